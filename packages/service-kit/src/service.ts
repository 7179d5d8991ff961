/**
 * What the shared startup code needs to know about one service, so its messages read exactly as
 * that service's own did: "The gateway cannot start: …", "apps/gateway/README.md lists them all".
 */
export interface ServiceDescriptor {
  /** Short name, the `service` field of every log line: `gateway`, `webhook`. */
  readonly name: string;
  /** How a sentence about the process starts: `The gateway`, `The webhook receiver`. */
  readonly displayName: string;
  /** Where the variables are documented, as a path from the workspace root. */
  readonly readme: string;
  /** The variables a failed listen points at (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
  readonly portVariable: string;
  readonly hostVariable: string;
  /** The variable an invalid storage location is reported under. */
  readonly storageVariable: string;
}
