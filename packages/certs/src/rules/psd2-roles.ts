import type { FindingDraft, Rule } from '../engine/types.js';
import { PSD2_ROLES, type Psd2RoleName } from '../oids.js';
import { isPsd2Error } from '../qc/qc-statements.js';
import { psd2Applies } from './psd2-applies.js';

const NAME_BY_OID = new Map<string, Psd2RoleName>(
  Object.entries(PSD2_ROLES).map(([name, oid]) => [oid, name as Psd2RoleName]),
);
const HINT =
  'ask your QTSP to re-issue the QWAC with the roles your national competent authority granted you (PSP_AS, PSP_PI, PSP_AI, PSP_IC)';

export const psd2Roles: Rule<'psd2.roles'> = {
  id: 'psd2.roles',
  severity: 'error',
  title: 'For PSD2: the roles are present, known, consistent (OID and name) and include the required ones',
  cites: ['ETSI TS 119 495 §5.1 (RolesOfPSP)', 'ConnectPay: "… with proper PSD2 TPP roles."'],
  appliesWhen: psd2Applies,
  check: (context) => {
    const { leaf, leafIndex } = context;
    const statement = leaf ? context.qc.get(leaf)?.psd2 : undefined;
    if (!leaf || leafIndex === undefined || !statement) return [];
    const at = { certificate: leafIndex };
    if (isPsd2Error(statement))
      return [{ ...at, message: `the leaf's PSD2 QcStatement cannot be read: ${statement.error}`, hint: HINT }];
    const findings: FindingDraft[] = [];
    if (statement.roles.length === 0) {
      findings.push({ ...at, message: "the leaf's PSD2 QcStatement lists no roles (RolesOfPSP is empty)", hint: HINT });
    }
    const held = new Set<string>();
    for (const role of statement.roles) {
      const expectedName = NAME_BY_OID.get(role.oid);
      if (!expectedName) {
        findings.push({
          ...at,
          message: `the leaf has an unknown PSD2 role OID ${role.oid} (named "${role.name}"); known roles are ${describeKnown()}`,
          hint: HINT,
        });
        continue;
      }
      held.add(expectedName);
      if (role.name !== expectedName) {
        findings.push({
          ...at,
          message: `the leaf's PSD2 role OID ${role.oid} is ${expectedName} but its name says "${role.name}"`,
          hint: HINT,
        });
      }
    }
    for (const required of context.psd2 ?? []) {
      const name = NAME_BY_OID.get(required) ?? required;
      if (!held.has(name)) {
        findings.push({
          ...at,
          message: `the leaf lacks the required PSD2 role ${name}; it has ${held.size > 0 ? [...held].join(', ') : 'no valid role'}`,
          hint: HINT,
        });
      }
    }
    return findings;
  },
};

function describeKnown(): string {
  return Object.entries(PSD2_ROLES)
    .map(([name, oid]) => `${name} (${oid})`)
    .join(', ');
}
