// The service tier has a database of its own (a copy of the run's migrated one), so the rows it
// writes never take part in the e2e tests' requests.
if (process.env.E2E_SERVICE_DATABASE_URL) {
  process.env.DATABASE_URL = process.env.E2E_SERVICE_DATABASE_URL;
}
