import type { Palette } from '../format/colour.js';

/** What every command writes through: the two streams and the colours (plain when not a TTY). */
export interface CommandContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly colours: Palette;
}
