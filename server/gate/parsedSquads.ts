import { parseSquadFile } from '../../protocol/parseSquadFile';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';

/**
 * The squad files one worker has parsed, by path and text: a forecast runs the same file a thousand
 * times and parses it once. Owned by the worker that makes it (no module state).
 */
export class ParsedSquads {
  private readonly byKey = new Map<string, SquadFile>();

  get(path: string, text: string): SquadFile {
    const key = `${path}\n${text}`;
    let squad = this.byKey.get(key);
    if (!squad) {
      const parsed = parseSquadFile(text, path);
      // The parent checked the file before it made the job: a failure here means it changed in between.
      if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
      squad = parsed.squad;
      this.byKey.set(key, squad);
    }
    return squad;
  }
}
