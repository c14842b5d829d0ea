/**
 * Java's Matcher.replaceFirst with its replacement syntax, for RegexRouter: a backslash quotes the
 * next character, `$n` is a group, `${name}` a named group.
 */
import { JavaRegexError } from './java-regex.js';
import type { JavaPattern } from './java-regex.js';

type ReplacementPart = string | { group: number } | { name: string };

/**
 * A replacement string as Java's Matcher.appendReplacement reads it: `\x` is x, `$n` is group n
 * (further digits are taken while they still name a group), `${name}` a named group; a group that
 * did not participate adds nothing.
 */
export class JavaReplacement {
  readonly #parts: readonly ReplacementPart[];

  constructor(replacement: string, pattern: JavaPattern) {
    this.#parts = parseReplacement(replacement, pattern);
  }

  /** Matcher.replaceFirst: the first match (leftmost, as Matcher.find) replaced; the input unchanged without one. */
  replaceFirst(pattern: JavaPattern, input: string): string {
    pattern.regex.lastIndex = 0;
    const m = pattern.regex.exec(input);
    if (m === null) return input;
    let out = input.slice(0, m.index);
    for (const part of this.#parts) {
      if (typeof part === 'string') out += part;
      else if ('group' in part) out += m[part.group] ?? '';
      else out += m.groups?.[part.name] ?? '';
    }
    return out + input.slice(m.index + m[0].length);
  }
}

function parseReplacement(replacement: string, pattern: JavaPattern): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let literal = '';
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (i + 1 >= replacement.length) throw new JavaRegexError('character to be escaped is missing');
      literal += replacement[i + 1];
      i += 2;
      continue;
    }
    if (c !== '$') {
      literal += c;
      i++;
      continue;
    }
    i++;
    if (i >= replacement.length) throw new JavaRegexError('Illegal group reference: group index is missing');
    if (literal !== '') parts.push(literal);
    literal = '';
    if (replacement[i] === '{') {
      const end = replacement.indexOf('}', i);
      const name = end < 0 ? '' : replacement.slice(i + 1, end);
      if (end < 0 || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new JavaRegexError("named capturing group is missing trailing '}'");
      if (!pattern.groupNames.has(name)) throw new JavaRegexError(`No group with name {${name}}`);
      parts.push({ name });
      i = end + 1;
      continue;
    }
    const first = replacement.charCodeAt(i) - 48;
    if (first < 0 || first > 9) throw new JavaRegexError('Illegal group reference');
    let group = first;
    i++;
    while (i < replacement.length) {
      const digit = replacement.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      const extended = group * 10 + digit;
      if (extended > pattern.groupCount) break;
      group = extended;
      i++;
    }
    if (group > pattern.groupCount) throw new JavaRegexError(`No group ${group}`);
    parts.push({ group });
  }
  if (literal !== '') parts.push(literal);
  return parts;
}
