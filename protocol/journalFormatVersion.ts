/** The run journal's format (see ./runEvent.ts): bump it on any change that an older reader would misread. */
export const JOURNAL_FORMAT_VERSION = 1;
