/**
 * The tokenizer of Kafka Connect's `Values.parseString` (`Values.Parser`), ported statement by
 * statement: which inputs parse as what depends on its exact rewinding and whitespace handling (a
 * quoted " " reads as "", "true}" stays a string), so it is not rewritten in a tidier way.
 * Delimiters `: , { } [ ] "` are tokens of their own unless escaped with a backslash; the backslash
 * stays in the token.
 */
import { isBlank, javaTrim } from './values-text.js';

export class Tokenizer {
  readonly original: string;
  #index = 0;
  #nextToken: string | null = null;
  #previousToken: string | null = null;

  constructor(original: string) {
    this.original = original;
  }

  position(): number {
    return this.#index;
  }

  mark(): number {
    return this.#index - (this.#nextToken !== null ? this.#nextToken.length : 0);
  }

  rewindTo(position: number): void {
    this.#index = position;
    this.#nextToken = null;
    this.#previousToken = null;
  }

  hasNext(): boolean {
    return this.#nextToken !== null || this.#canConsumeNextToken();
  }

  #canConsumeNextToken(): boolean {
    return this.original.length > this.#index;
  }

  next(): string {
    if (this.#nextToken !== null) {
      this.#previousToken = this.#nextToken;
      this.#nextToken = null;
    } else {
      this.#previousToken = this.#consumeNextToken();
    }
    return this.#previousToken;
  }

  /** The text of the next `n` tokens, or null (and no move) when there are fewer. */
  nextTokens(n: number): string | null {
    const current = this.mark();
    const start = this.mark();
    for (let i = 0; i !== n; ++i) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.substring(current, this.position());
  }

  #consumeNextToken(): string {
    let escaped = false;
    const start = this.#index;
    const text = this.original;
    while (this.#canConsumeNextToken()) {
      const c = text[this.#index];
      switch (c) {
        case '\\':
          escaped = !escaped;
          break;
        case ':':
        case ',':
        case '{':
        case '}':
        case '[':
        case ']':
        case '"':
          if (!escaped) {
            if (start < this.#index) return text.substring(start, this.#index);
            this.#index++;
            return text.substring(start, start + 1);
          }
          escaped = false;
          break;
        default:
          escaped = false;
          break;
      }
      this.#index++;
    }
    return text.substring(start, this.#index);
  }

  previous(): string | null {
    return this.#previousToken;
  }

  canConsume(expected: string, ignoreLeadingAndTrailingWhitespace = true): boolean {
    if (this.#isNext(expected, ignoreLeadingAndTrailingWhitespace)) {
      this.#nextToken = null;
      return true;
    }
    return false;
  }

  #isNext(expected: string, ignoreWhitespace: boolean): boolean {
    if (this.#nextToken === null) {
      if (!this.hasNext()) return false;
      this.#nextToken = this.#consumeNextToken();
    }
    if (ignoreWhitespace) {
      while (isBlank(this.#nextToken) && this.#canConsumeNextToken()) this.#nextToken = this.#consumeNextToken();
    }
    return ignoreWhitespace ? javaTrim(this.#nextToken) === expected : this.#nextToken === expected;
  }
}
