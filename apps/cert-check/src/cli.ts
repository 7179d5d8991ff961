import { Command, CommanderError, Option } from 'commander';
import type { BundleFlags } from './commands/bundle.js';
import type { CommandContext } from './commands/context.js';
import type { CsrFlags } from './commands/csr.js';
import type { ExpiryFlags } from './commands/expiry.js';
import type { FixFlags } from './commands/fix.js';
import type { InspectFlags } from './commands/inspect.js';
import type { ProbeFlags } from './commands/probe.js';
import type { VerifyCommandFlags } from './commands/verify.js';
import { isCertCheckError, isEngineError, messageOf } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { palette } from './format/colour.js';
import { colourEnabled, type CliIo } from './io.js';
import {
  addVerifyOptions,
  atOption,
  formatOption,
  intermediatesOption,
  keepFilesAfterPsd2,
  trustOption,
  warnDaysOption,
} from './options.js';
import { version } from './version.js';

export interface CliProgram {
  /** The commander program, for help text and completion generators. */
  readonly command: Command;
  /** Parses argv (without `node` and the script) and runs the command; never throws, resolves to the exit code. */
  run(argv: readonly string[]): Promise<ExitCode>;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  no error finding (warnings allowed)
  1  at least one error finding (expiry: a chain under --warn-days; fix: chain still incomplete)
  2  usage error, unreadable file, or no certificate in it
`;

/**
 * Builds the cert-check program around the given streams. Commands load the engine only when they
 * run, so `--help` and usage errors answer without parsing any certificate code.
 */
export function buildProgram(io: CliIo): CliProgram {
  const colours = palette(colourEnabled(io));
  const context: CommandContext = { out: (text) => io.stdout(text), err: (text) => io.stderr(text), colours };
  let exitCode: ExitCode = ExitCode.ok;

  const program = new Command('cert-check')
    .description("Check a client certificate chain against ConnectPay's rules before you send it.")
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`cert-check: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(run cert-check --help, or cert-check COMMAND --help, for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  addVerifyOptions(
    program
      .command('verify')
      .description('check chain files against every rule; one report per file')
      .argument('<files...>', 'chain files: PEM (leaf first), or "-" for standard input'),
  )
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nExamples:\n  cert-check verify chain.pem\n  cert-check verify --offline --format json prod.pem stage.pem\n  cert-check verify chain.pem --key client.key --psd2=PSP_AI,PSP_PI\n',
    )
    .action(async (files: string[], flags: VerifyCommandFlags) => {
      const { runVerify } = await import('./commands/verify.js');
      exitCode = await runVerify(files, flags, context);
    });

  program
    .command('fix')
    .description(
      'order leaf -> root, drop duplicates and strays, add missing intermediates and the root; prints each change',
    )
    .argument('<files...>', 'chain file(s); several files are combined into one chain')
    .requiredOption('-o, --output <file>', 'where to write the fixed chain PEM ("-" for standard output)')
    .addOption(intermediatesOption())
    .addOption(trustOption())
    .addOption(atOption('which candidate issuers are valid'))
    .addHelpText(
      'after',
      '\nExample:\n  cert-check fix leaf.pem ca-bundle.pem -o chain.pem --intermediates ca-bundle.pem\n',
    )
    .action(async (files: string[], flags: FixFlags) => {
      const { runFix } = await import('./commands/fix.js');
      exitCode = await runFix(files, flags, context);
    });

  addVerifyOptions(
    program
      .command('bundle')
      .description('verify, then write the submission .zip (chain.pem, report.txt, report.json); refuses on any error')
      .argument('<file>', 'the chain file to submit')
      .requiredOption('-o, --output <zip>', 'the .zip to write'),
  )
    .addHelpText('after', '\nExample:\n  cert-check bundle chain.pem -o connectpay-prod-chain.zip\n')
    .action(async (file: string, flags: BundleFlags) => {
      const { runBundle } = await import('./commands/bundle.js');
      exitCode = await runBundle(file, flags, context);
    });

  program
    .command('inspect')
    .description(
      'show each certificate: subject, issuer, validity, SANs, key, EKU, policies, QcStatements, PSD2 roles, fingerprints',
    )
    .argument('<files...>', 'chain or certificate files')
    .addOption(formatOption())
    .addOption(atOption('days left'))
    .action(async (files: string[], flags: InspectFlags) => {
      const { runInspect } = await import('./commands/inspect.js');
      exitCode = await runInspect(files, flags, context);
    });

  program
    .command('expiry')
    .description('days until each chain file expires (its first certificate to expire); exit 1 when under --warn-days')
    .argument('<files...>', 'chain files')
    .addOption(warnDaysOption('exit 1 when a chain expires within this many days'))
    .addOption(
      new Option('--prom', 'print Prometheus text format (gauges connectpay_certificate_expiry_days and _seconds)'),
    )
    .addOption(atOption('expiry'))
    .addHelpText(
      'after',
      '\nExample (cron, node_exporter textfile collector):\n  cert-check expiry --prom /etc/connectpay/prod.pem > /var/lib/node_exporter/connectpay.prom\n',
    )
    .action(async (files: string[], flags: ExpiryFlags) => {
      const { runExpiry } = await import('./commands/expiry.js');
      exitCode = await runExpiry(files, flags, context);
    });

  program
    .command('csr')
    .description(
      'generate a private key (mode 0600) and a CSR requesting what ConnectPay needs, check it, say what to order',
    )
    .requiredOption('--subject <subject>', 'the subject, e.g. "/C=LT/O=Example Shop UAB/CN=client.example.com"')
    .addOption(
      new Option('--key-type <type>', 'key algorithm and size')
        .choices(['rsa-2048', 'rsa-3072', 'ec-p256'])
        .default('rsa-2048'),
    )
    .option('--dns <names...>', 'DNS names for subjectAltName (default: the CN when it is a domain)')
    .option('--server-auth', 'also request serverAuth (only when the certificate must serve TLS too)')
    .option('--psd2', 'say what to order from a QTSP for a PSD2 QWAC (the QTSP adds the QcStatements itself)')
    .requiredOption('--key-out <file>', 'where to write the new private key (never overwritten)')
    .requiredOption('-o, --out <file>', 'where to write the CSR')
    .addHelpText(
      'after',
      '\nExample:\n  cert-check csr --subject "/C=LT/O=Example Shop UAB/CN=connectpay-client.example.com" --key-out client.key -o client.csr\n',
    )
    .action(async (flags: CsrFlags) => {
      const { runCsr } = await import('./commands/csr.js');
      exitCode = await runCsr(flags, context);
    });

  program
    .command('probe')
    .description(
      "make a TLS handshake to the environment's mTLS host with the client chain and say whether it is accepted, and why not (no API request)",
    )
    .requiredOption('--env <env>', 'local, stage or prod: picks the host and the CONNECTPAY_<ENV>_* files')
    .option('--url <url>', "the mTLS host (default: CONNECTPAY_<ENV>_MTLS_URL, else the provider's / the sandbox)")
    .option('--cert <file>', 'the client chain PEM (default: CONNECTPAY_<ENV>_CLIENT_CERT_FILE)')
    .option('--key <file>', 'its private key (default: CONNECTPAY_<ENV>_CLIENT_KEY_FILE); never printed')
    .option('--ca <file>', "extra roots for the server's certificate (default: CONNECTPAY_<ENV>_CA_FILE)")
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nExit: 0 accepted, 1 refused (or not an mTLS host, or an untrusted server), 2 unreachable or usage error.\nExample:\n  cert-check probe --env stage --cert chain.pem --key client.key\n',
    )
    .action(async (flags: ProbeFlags) => {
      const { runProbe } = await import('./commands/probe.js');
      exitCode = await runProbe(flags, context);
    });

  const run = async (argv: readonly string[]): Promise<ExitCode> => {
    exitCode = ExitCode.ok;
    try {
      await program.parseAsync(keepFilesAfterPsd2(argv), { from: 'user' });
      return exitCode;
    } catch (error) {
      return reportFailure(error, context);
    }
  };
  return { command: program, run };
}

/** The one place a failure becomes output: a single line on stderr and exit 2, never a stack trace. */
function reportFailure(error: unknown, context: CommandContext): ExitCode {
  // commander already printed its message (usage errors) or the help/version text.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.unusable;
  const { red, bold } = context.colours;
  if (isCertCheckError(error) || isEngineError(error)) {
    context.err(`${red(bold('cert-check:'))} ${messageOf(error).replace(/\s+/g, ' ')}\n`);
    return ExitCode.unusable;
  }
  context.err(
    `${red(bold('cert-check:'))} unexpected error: ${messageOf(error).replace(/\s+/g, ' ')} (please report this with the command you ran)\n`,
  );
  return ExitCode.unusable;
}
