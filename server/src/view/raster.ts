// A small RGB raster with rectangles and 5x7 bitmap text (upper case, digits, punctuation), and
// its PNG encoding (node:zlib's deflate and CRC-32): enough for `scoremod view` to draw a
// labelled figure without a canvas library.
import { crc32, deflateSync } from "node:zlib";

export type Rgb = readonly [number, number, number];

// 5x7 glyphs, one string of 7 rows per character; each row is 5 bits, '#' set.
const GLYPHS: Record<string, string> = {
  "A": ".###.#...##...#######...##...##...#", "B": "####.#...##...#####.#...##...#####.",
  "C": ".###.#...##....#....#....#...#.###.", "D": "####.#...##...##...##...##...#####.",
  "E": "######....#....####.#....#....#####", "F": "######....#....####.#....#....#....",
  "G": ".###.#...##....#.####...##...#.####", "H": "#...##...##...#######...##...##...#",
  "I": ".###...#....#....#....#....#...###.", "J": "..###...#....#....#....#.#..#..##..",
  "K": "#...##..#.#.#..##...#.#..#..#.#...#", "L": "#....#....#....#....#....#....#####",
  "M": "#...###.###.#.##.#.##...##...##...#", "N": "#...##...###..##.#.##..###...##...#",
  "O": ".###.#...##...##...##...##...#.###.", "P": "####.#...##...#####.#....#....#....",
  "Q": ".###.#...##...##...##.#.##..#..##.#", "R": "####.#...##...#####.#.#..#..#.#...#",
  "S": ".#####....#.....###.....#....#####.", "T": "#####..#....#....#....#....#....#..",
  "U": "#...##...##...##...##...##...#.###.", "V": "#...##...##...##...##...#.#.#...#..",
  "W": "#...##...##...##.#.##.#.##.#.#.#.#.", "X": "#...##...#.#.#...#...#.#.#...##...#",
  "Y": "#...##...#.#.#...#....#....#....#..", "Z": "#####....#...#...#...#...#....#####",
  "0": ".###.#...##..###.#.###..##...#.###.", "1": "..#...##....#....#....#....#...###.",
  "2": ".###.#...#....#...#...#...#...#####", "3": "#####...#...#.....#.....##...#.###.",
  "4": "...#...##..#.#.#..#.#####...#....#.", "5": "######....####.....#....##...#.###.",
  "6": "..##..#...#....####.#...##...#.###.", "7": "#####....#...#...#...#....#....#...",
  "8": ".###.#...##...#.###.#...##...#.###.", "9": ".###.#...##...#.####....#...#..##..",
  " ": "...................................", ".": "..........................##...##..",
  ";": "......##...##........##....#...#...", ",": ".....................##....#...#...", ":": "......##...##........##...##.......",
  "(": "...#...#...#....#....#.....#.....#.", ")": ".#.....#.....#....#....#...#...#...",
  "[": ".###..#....#....#....#....#....###.", "]": ".###....#....#....#....#....#..###.",
  "=": "..........#####.....#####..........", "+": ".......#....#..#####..#....#.......",
  "-": "...............#####...............", "%": "##...##..#...#...#...#...#..##...##",
  "/": ".........#...#...#...#...#.........", "<": "...#...#...#...#.....#.....#.....#.",
  ">": ".#.....#.....#.....#...#...#...#...", "_": "..............................#####",
  "'": "..#....#...#.......................", "*": ".......#..#.#.#.###.#.#.#..#.......",
  "?": ".###.#...#....#...#...#.........#..",
};

export class Raster {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, bg: Rgb) {
    this.data = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, bg);
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w)), y1 = Math.min(this.height, Math.floor(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const o = (yy * this.width + xx) * 3;
        this.data[o] = c[0]; this.data[o + 1] = c[1]; this.data[o + 2] = c[2];
      }
    }
  }

  frame(x: number, y: number, w: number, h: number, c: Rgb, t = 1): void {
    this.rect(x, y, w, t, c); this.rect(x, y + h - t, w, t, c);
    this.rect(x, y, t, h, c); this.rect(x + w - t, y, t, h, c);
  }

  /** Text in the 5x7 font (upper-cased; characters it lacks as '?'), `scale` px per dot. Returns its width. */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): number {
    let cx = x;
    for (const ch of s.toUpperCase()) {
      const g = GLYPHS[ch === "×" ? "X" : ch] ?? GLYPHS["?"]!;
      for (let r = 0; r < 7; r++) for (let col = 0; col < 5; col++) if (g[r * 5 + col] === "#") this.rect(cx + col * scale, y + r * scale, scale, scale, c);
      cx += 6 * scale;
    }
    return cx - x;
  }

  static textWidth(s: string, scale = 2): number { return [...s].length * 6 * scale; }

  png(): Buffer {
    // Filter type 0 (none) per row, then one zlib stream.
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0;
      raw.set(this.data.subarray(y * this.width * 3, (y + 1) * this.width * 3), y * (this.width * 3 + 1) + 1);
    }
    const chunk = (type: string, body: Buffer): Buffer => {
      const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
      const tb = Buffer.concat([Buffer.from(type, "ascii"), body]);
      const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(tb) >>> 0);
      return Buffer.concat([len, tb, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0); ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;  // 8-bit RGB, no interlace
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
  }
}
