/**
 * Characters a squad file may not hold, found before YAML sees the text.
 *
 * YAML 1.2 allows only printable characters (tab, line breaks, U+0020–U+007E, U+0085,
 * U+00A0–U+D7FF, U+E000–U+FFFD and the astral planes), but the `yaml` library reads most of the
 * rest without complaint, so a NUL or an escape character would reach an agent's prompt. U+FFFD is
 * refused too: it is what a reader puts where a file's bytes were not UTF-8 (Node's `readFile(…,
 * 'utf8')`, VS Code), so it marks the spot of the bad bytes. Escapes inside quoted strings ("\0")
 * are YAML's business and reach here as the six characters they are written with.
 */

/** One refused character: where it is (a UTF-16 offset into the text) and what to tell the user. */
export interface RefusedCharacter {
  offset: number;
  message: string;
}

// C0 controls but tab, LF and CR; DEL and the C1 controls but NEL; lone surrogates; the two
// non-characters of the BMP's end; and the replacement character. With the `u` flag, a character
// class of surrogates matches only a lone one, never half of a valid pair.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uD800-\uDFFF\uFFFE\uFFFF\uFFFD]/gu;

/** At most this many are reported: a binary file renamed to .squad.yaml needs one line, not ten thousand. */
const MAX_REPORTED = 20;

/** The refused characters of `text`, at most one per line, in order. Linear in the text's length. */
export function refusedCharacters(text: string): RefusedCharacter[] {
  const found: RefusedCharacter[] = [];
  REFUSED.lastIndex = 0;
  let lastLineStart = -1;
  for (let m = REFUSED.exec(text); m !== null; m = REFUSED.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (lineStart === lastLineStart) continue;
    lastLineStart = lineStart;
    found.push({ offset: m.index, message: describe(m[0]) });
    if (found.length === MAX_REPORTED) break;
  }
  return found;
}

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return 'a NUL character (U+0000): squad files are text; remove it (write "\\0" inside a double-quoted string if you mean it)';
  if (code === 0xfffd) {
    return 'U+FFFD, the replacement character a reader puts where bytes are not UTF-8: save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)';
  }
  if (code >= 0xd800 && code <= 0xdfff) return `a lone surrogate (${hex}): the text is not valid Unicode`;
  return `the control character ${hex} is not allowed in YAML: remove it (or write it as an escape inside a double-quoted string)`;
}
