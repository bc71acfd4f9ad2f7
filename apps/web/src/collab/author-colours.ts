// Distinct and legible on a dark image.
const PALETTE = ['#4fc3f7', '#ffb74d', '#81c784', '#f06292', '#ba68c8', '#fff176', '#4db6ac', '#ff8a65', '#9575cd', '#aed581'];

/**
 * A colour per author: the hash of the user id picks the preferred palette entry (so usually
 * the same on every page), and an author whose entry is taken on this page gets the next free one.
 */
export class AuthorColours {
  #byAuthor = new Map<string, string>();

  colourOf(userId: string): string {
    const known = this.#byAuthor.get(userId);
    if (known) return known;
    const taken = new Set(this.#byAuthor.values());
    const start = hash(userId) % PALETTE.length;
    let colour = PALETTE[start]!;
    for (let i = 0; i < PALETTE.length; i++) {
      const candidate = PALETTE[(start + i) % PALETTE.length]!;
      if (!taken.has(candidate)) {
        colour = candidate;
        break;
      }
    }
    this.#byAuthor.set(userId, colour);
    return colour;
  }
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
