import { existsSync, readFileSync, statSync } from 'node:fs';

/**
 * Reads the log file of the shared emulator, which contains one line per token
 * request and per vault request (`POST /keys/NAME/VERSION/decrypt 200 ...`).
 * Test files run one after another, so the lines between {@link mark} and
 * {@link linesSince} belong to the tool that the test ran in between.
 *
 * The emulator writes a request's line just after it sends the response, so
 * the line of a tool's last request can still be missing when the tool has
 * exited; {@link waitForLine} covers that case.
 */
export class EmulatorLog {
  constructor(private readonly file: string) {}

  /** Returns the current end of the log, for {@link linesSince}. */
  mark(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }

  /** Returns the lines written after `mark`. */
  linesSince(mark: number): string[] {
    const text = readFileSync(this.file).subarray(mark).toString('utf8');
    return text.split('\n').filter((line) => line !== '');
  }

  /**
   * Returns the lines written after `mark` once one of them contains
   * `fragment`, polling every 50 ms. Returns the lines without it after
   * `maxWaitMs`, so that the caller's assertion reports them.
   */
  async waitForLine(mark: number, fragment: string, maxWaitMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const lines = this.linesSince(mark);
      if (lines.some((line) => line.includes(fragment)) || Date.now() >= deadline) {
        return lines;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
