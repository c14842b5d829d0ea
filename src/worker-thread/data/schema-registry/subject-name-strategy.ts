/**
 * Confluent's subject name strategies (`io.confluent.kafka.serializers.subject`): the registry
 * subject a key's or value's schema is registered under.
 *
 * | strategy                 | subject                          |
 * |--------------------------|----------------------------------|
 * | TopicNameStrategy        | `<topic>-key` / `<topic>-value`  |
 * | RecordNameStrategy       | the record's full name           |
 * | TopicRecordNameStrategy  | `<topic>-<record full name>`     |
 *
 * The record strategies need a record (or another named type) at the top: an optional STRUCT is a
 * union with null and has no name, so it is refused, as Confluent refuses it.
 */
import { DataException } from '../errors.js';

export type SubjectNameStrategyName = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

const PACKAGE = 'io.confluent.kafka.serializers.subject';
export const SUBJECT_NAME_STRATEGIES: readonly SubjectNameStrategyName[] = [
  'TopicNameStrategy',
  'RecordNameStrategy',
  'TopicRecordNameStrategy',
];
export const DEFAULT_SUBJECT_NAME_STRATEGY = `${PACKAGE}.TopicNameStrategy`;

/** The strategy a config value names: Confluent's class name, or its simple name. */
export function subjectNameStrategy(configValue: string): SubjectNameStrategyName | undefined {
  const simple = configValue.startsWith(`${PACKAGE}.`) ? configValue.slice(PACKAGE.length + 1) : configValue;
  return (SUBJECT_NAME_STRATEGIES as readonly string[]).includes(simple) ? (simple as SubjectNameStrategyName) : undefined;
}

/**
 * The subject for a topic and a schema whose top-level named type is `recordName` (null when the
 * top is not a named type).
 */
export function subjectName(strategy: SubjectNameStrategyName, topic: string, isKey: boolean, recordName: string | null): string {
  if (strategy === 'TopicNameStrategy') return `${topic}-${isKey ? 'key' : 'value'}`;
  if (recordName === null) {
    const which = isKey ? 'key' : 'value';
    throw new DataException(
      `In configuration ${which}.subject.name.strategy = ${strategy}, the message ${which} must only be a record schema`,
    );
  }
  return strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`;
}
