/**
 * A tool call's arguments as the model wrote them (JSON text). What does not parse is passed on as
 * the text itself: the engine then refuses the call with a reason the model reads and can correct,
 * which is better than failing the model call. No arguments at all mean an empty object.
 */
export function parseToolArguments(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    return value;
  } catch {
    return json;
  }
}
