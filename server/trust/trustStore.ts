import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustFileSchema, type TrustedFile, type TrustFile } from '../../protocol/trustRecord';
import { errnoCode } from '../store/journalError';
import { makeDirectory } from '../store/makeDirectory';

/**
 * The squad files this workspace's user trusts to run from the command line, remembered by content
 * hash in `.squad/trust.json`. A file that is missing, unreadable or not in the expected shape trusts
 * nothing (every file is asked about again) rather than failing the command.
 */
export class TrustStore {
  constructor(private readonly workspace: string) {}

  get path(): string {
    return join(this.workspace, '.squad', 'trust.json');
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.read()).files[sha256] !== undefined;
  }

  /** Records `sha256` as trusted; written through a temporary file and a rename. */
  async add(sha256: string, entry: TrustedFile): Promise<void> {
    const file = await this.read();
    file.files[sha256] = entry;
    await makeDirectory(join(this.workspace, '.squad'));
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    await rename(temp, this.path);
  }

  private async read(): Promise<TrustFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { version: 1, files: {} };
      throw error;
    }
    try {
      const parsed = TrustFileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : { version: 1, files: {} };
    } catch {
      return { version: 1, files: {} };
    }
  }
}
