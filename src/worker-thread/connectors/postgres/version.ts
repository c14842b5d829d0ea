/** The version both PostgreSQL connectors and their tasks report. */
export const VERSION = '0.1.0';
