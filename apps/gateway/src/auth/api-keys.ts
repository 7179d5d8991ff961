/** The documented key `local` accepts, so a fresh clone can call the gateway with no set-up. */
export const LOCAL_DEV_API_KEY = 'local-dev-key';
