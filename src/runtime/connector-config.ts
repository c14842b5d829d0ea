/**
 * The framework's keys of every connector config (Kafka Connect's ConnectorConfig and
 * SourceConnectorConfig), in Kafka Connect's groups. Imported on both sides of the thread boundary,
 * so it must not import anything that loads the Kafka client.
 */
import { CompositeValidator, ConfigDef, NonEmptyStringWithoutControlChars, Validators } from '../sdk/config-def.js';
import { defineTransformsAndPredicates } from '../transforms/transforms-config.js';

const COMMON = 'Common';

const COMMON_KEYS = new ConfigDef()
  .define({
    name: 'name',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Globally unique name to use for this connector.',
    group: COMMON,
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Connector name',
    // Beyond Kafka Connect: no "/" either, or the connector could not be addressed in the REST API.
    validator: CompositeValidator.of(new NonEmptyStringWithoutControlChars(), (_name, value) =>
      typeof value === 'string' && value.includes('/') ? 'String may not contain "/" (it could not be addressed in the REST API)' : undefined,
    ),
  })
  .define({
    name: 'connector.class',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Name or alias of the class for this connector.',
    group: COMMON,
    orderInGroup: 2,
    width: 'LONG',
    displayName: 'Connector class',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'tasks.max',
    type: 'INT',
    default: '1',
    importance: 'HIGH',
    documentation: 'Maximum number of tasks to use for this connector.',
    group: COMMON,
    orderInGroup: 3,
    width: 'SHORT',
    displayName: 'Tasks max',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'key.converter',
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka; overrides the worker setting.',
    group: COMMON,
    orderInGroup: 4,
    width: 'SHORT',
    displayName: 'Key converter class',
  })
  .define({
    name: 'value.converter',
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka; overrides the worker setting.',
    group: COMMON,
    orderInGroup: 5,
    width: 'SHORT',
    displayName: 'Value converter class',
  })
  .define({
    name: 'task.restart.on.failure',
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation: 'connectd: restart FAILED tasks by themselves, with capped exponential backoff (true/false; empty = the worker setting).',
    group: COMMON,
    orderInGroup: 6,
    width: 'SHORT',
    displayName: 'Restart failed tasks',
    validator: Validators.validString('', 'true', 'false'),
  });

/** The Common keys plus `transforms` and `predicates` (the alias keys come with ConnectorConfig.enrich). */
export const CONNECTOR_CONFIG_DEF = defineTransformsAndPredicates(COMMON_KEYS);
