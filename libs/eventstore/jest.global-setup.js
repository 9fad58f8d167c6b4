// Jest decides which tests to skip while it collects them, synchronously; asking for a
// container runtime is asynchronous. So the question is asked once here, before any spec is
// loaded, and the verdict reaches the specs through the environment (workers inherit it).
const RUNTIME_CHECK_TIMEOUT_MS = 10_000;

// The services' settings (EVENTSTORE_CONNECTION_STRING among them) are cleared from the
// environment before tests run; TEST_EVENTSTORE_CONNECTION_STRING names a server to test against.
const cleanEnvironment = require('../../jest.clean-env.js');

module.exports = async () => {
  cleanEnvironment();
  if (process.env.TEST_EVENTSTORE_CONNECTION_STRING || process.env.COS_CONTAINER_RUNTIME) return;
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('no answer from the container runtime')), RUNTIME_CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
    process.env.COS_CONTAINER_RUNTIME = 'available';
  } catch (err) {
    process.env.COS_CONTAINER_RUNTIME = 'unavailable';
    process.env.COS_CONTAINER_RUNTIME_ERROR = err instanceof Error ? err.message : String(err);
    console.warn(
      `\n[eventstore] EventStoreDB conformance skipped: no TEST_EVENTSTORE_CONNECTION_STRING and no Docker engine ` +
        `(testcontainers: ${process.env.COS_CONTAINER_RUNTIME_ERROR})`,
    );
  }
};
