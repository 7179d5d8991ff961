// What this repository is called right now. tools/rename/rename.mjs renames from these values and,
// because this file is renamed with the rest of the repository, a renamed copy can be renamed again
// (and its own tests still describe it). Edit it only through the rename.

export const CURRENT = Object.freeze({
  /** npm scope of every workspace package. */
  scope: '@connectpay-kit',
  /** Root package name, Compose project name, image prefix, user agents, log and lock names. */
  name: 'connectpay-kit',
  /** The same name in words: dev and test certificate subjects, README prose. */
  displayName: 'ConnectPay Kit',
  /** Default listening ports of the apps; port-rules.mjs lists the files that hold them. */
  ports: Object.freeze({
    gateway: 3000,
    webhook: 3001,
    sandboxMtls: 8443,
    sandboxOneway: 8444,
  }),
});

/**
 * Ports the repository uses for something else, which no default may take: the Compose file
 * publishes the second webhook replica on 3002, and PostgreSQL listens on 5432 for the tests.
 */
export const OTHER_PORTS = Object.freeze({
  3002: "webhook-2's host port in docker-compose.yml",
  5432: 'PostgreSQL (docker-compose.yml and the tests)',
});
