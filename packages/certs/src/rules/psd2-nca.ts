import type { FindingDraft, Rule } from '../engine/types.js';
import { nameValues } from '../certificate/name.js';
import { isPsd2Error } from '../qc/qc-statements.js';
import { psd2Applies } from './psd2-applies.js';

/** ETSI TS 119 495 §5.2.3: 2-letter country code, hyphen, 2-8 character NCA identifier. */
const NCA_ID = /^[A-Z]{2}-[A-Z0-9]{2,8}$/;
const HINT =
  'ask your QTSP to re-issue the QWAC with the NCA name and id of the authority that registered you (e.g. "NL-DNB", "DE-BAFIN")';

export const psd2Nca: Rule<'psd2.nca'> = {
  id: 'psd2.nca',
  severity: 'error',
  title: 'For PSD2: the competent authority (NCA) name and id are present and well-formed',
  cites: ['ETSI TS 119 495 §5.1 (NCAName, NCAId)', 'ETSI TS 119 495 §5.2.1 (organizationIdentifier)'],
  appliesWhen: psd2Applies,
  check: (context) => {
    const { leaf, leafIndex } = context;
    const statement = leaf ? context.qc.get(leaf)?.psd2 : undefined;
    if (!leaf || leafIndex === undefined || !statement || isPsd2Error(statement)) return [];
    const at = { certificate: leafIndex };
    const findings: FindingDraft[] = [];
    if (statement.ncaName.trim() === '')
      findings.push({ ...at, message: "the leaf's PSD2 QcStatement has no NCA name", hint: HINT });
    if (statement.ncaId.trim() === '') {
      findings.push({ ...at, message: "the leaf's PSD2 QcStatement has no NCA id", hint: HINT });
    } else if (!NCA_ID.test(statement.ncaId)) {
      findings.push({
        ...at,
        message: `the leaf's NCA id "${statement.ncaId}" is malformed: expected a 2-letter country code, a hyphen and 2-8 uppercase letters or digits (e.g. "NL-DNB")`,
        hint: HINT,
      });
    } else {
      // The subject's organizationIdentifier "PSDNL-DNB-R161162" must name the same authority.
      const identifier = nameValues(leaf.subject, 'organizationIdentifier').find((value) => value.startsWith('PSD'));
      if (identifier && !identifier.startsWith(`PSD${statement.ncaId}-`)) {
        findings.push({
          ...at,
          message: `the leaf's NCA id "${statement.ncaId}" does not match its organizationIdentifier "${identifier}" (expected "PSD${statement.ncaId}-…")`,
          hint: HINT,
        });
      }
    }
    return findings;
  },
};
