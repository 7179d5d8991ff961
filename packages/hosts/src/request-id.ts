/**
 * What an `X-Request-ID` sent to ConnectPay may look like. Transport sends a caller's id on only when
 * it fits; the apps' HTTP edge accepts an incoming id by the same rule, so an id a caller gives the
 * gateway reaches ConnectPay unchanged, and anything else is replaced, never echoed.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
