// Kafka's JVM settings and logging, for the JVMs we start (the Kafka fixture's brokers, the
// benchmark's Java contenders). They run under tools/tied-process.ts's wrapper: none outlives us.

/** Kafka's own G1 settings (kafka-run-class.sh KAFKA_JVM_PERFORMANCE_OPTS). */
export const KAFKA_JVM_PERFORMANCE_OPTS: readonly string[] = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
];

/** A log4j2 configuration (properties format) that logs `level` (INFO) and up to `file`, Kafka's chattiest loggers at WARN. */
export function log4j2Config(file: string, level = 'INFO'): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${file}`,
    'appender.file.append = true',
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.file.ref = file',
    // Very chatty at INFO, and rarely what a failing test needs.
    'logger.request.name = kafka.request.logger',
    'logger.request.level = WARN',
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    'logger.zk.name = org.apache.zookeeper',
    'logger.zk.level = WARN',
    '',
  ].join('\n');
}
