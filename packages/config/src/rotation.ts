import { resolve } from 'node:path';
import type { LoadContext } from './context.js';
import type { NextMtlsFiles } from './types.js';
import { ROTATION_SETTINGS } from './variables.js';

/**
 * The staged next client certificate (`NEXT_CLIENT_CERT_FILE` + `NEXT_CLIENT_KEY_FILE`, both or
 * neither) and when to switch to it (`SWITCH_AT`). Only the paths are resolved here: the pair is read,
 * checked and probed by the service's rotation (packages/transport CredentialRotation), which re-reads
 * it while the service runs, so a bad or missing staged file is a status to show, never a start that
 * fails. A half pair or an unreadable instant is a configuration mistake and is reported as one.
 */
export function loadNextMtls(ctx: LoadContext): NextMtlsFiles | undefined {
  const [certSetting, keySetting, switchSetting] = ROTATION_SETTINGS;
  const cert = ctx.given(certSetting);
  const key = ctx.given(keySetting);
  const switchAt = ctx.given(switchSetting);
  const certSet = ctx.isSet(certSetting);
  const keySet = ctx.isSet(keySetting);
  if (certSet !== keySet) {
    const [missing, present] = certSet ? [keySetting, certSetting] : [certSetting, keySetting];
    ctx.issue(
      missing,
      'CONFIG_INCOMPLETE_PAIR',
      `is not set but ${ctx.variable(present)} is; expected the ${missing === certSetting ? 'renewed client chain PEM, leaf first' : "renewed certificate's private key (PEM)"}. Set both, or neither when no renewal is staged.`,
    );
    return undefined;
  }
  if (!certSet) {
    if (ctx.isSet(switchSetting)) {
      ctx.issue(
        switchSetting,
        'CONFIG_INCOMPLETE_PAIR',
        `is set but no next certificate is staged; set ${ctx.variable(certSetting)} and ${ctx.variable(keySetting)} too, or unset it.`,
      );
    }
    return undefined;
  }
  if (!cert || !key) return undefined; // invalid values: the schema's issues name them
  const certFile = resolve(ctx.baseDir, cert.value);
  const keyFile = resolve(ctx.baseDir, key.value);
  ctx.record({ setting: certSetting, value: certFile, origin: cert.origin });
  ctx.record({ setting: keySetting, value: keyFile, origin: key.origin });
  if (switchAt) ctx.record({ setting: switchSetting, value: switchAt.value, origin: switchAt.origin });
  return { certFile, keyFile, ...(switchAt ? { switchAt: switchAt.value } : {}) };
}
