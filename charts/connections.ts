/**
 * How a workload reaches the system's database and cache. The facts (ports, the env vars of
 * DATABASE_URL and REDIS_URL) live in the model, src/model/connections.ts, so the jobs model
 * and the flows read them without importing a chart; the charts import them from here.
 */
export { cacheEnv, databaseEnv, HTTP01_SOLVER_PORT, POSTGRES_PORT, postgresDatabase, REDIS_PORT } from '../src/model/connections';
