import type { INestApplicationContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { AuditIntegrityService } from 'src/audit/checkpoints/audit-integrity.service';
import { AuditService } from 'src/audit/audit.service';
import { CreateUserDto } from 'src/auth/dto/admin.dto';
import { AccountRecoveryService } from 'src/auth/users/account-recovery.service';
import { AdminUsersService } from 'src/auth/users/admin-users.service';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { Reconciler } from 'src/privacy-requests/workflow/reconciler.service';
import { WorkflowQueue } from 'src/privacy-requests/workflow/workflow-queue.service';
import { onlyKnown, ParsedArgs, required, UsageError } from './cli-args';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2, auditBroken: 3 } as const;

export interface CliIo {
  out(line: string): void;
  /** Everything on standard input (a password, never an argument: arguments show in `ps`). */
  readStdin(): Promise<string>;
}

export interface Command {
  summary: string;
  usage: string;
  options: string[];
  flags: string[];
  run(app: INestApplicationContext, args: ParsedArgs, io: CliIo): Promise<number>;
}

/** The password from standard input (its final line break dropped), or a new random one. */
async function passwordOf(
  args: ParsedArgs,
  io: CliIo,
): Promise<{ password: string; generated: boolean }> {
  if (args.flags.has('password-stdin')) {
    return { password: (await io.readStdin()).replace(/\r?\n$/, ''), generated: false };
  }
  return { password: randomBytes(18).toString('base64url'), generated: true };
}

/** The same rules as POST /v1/admin/users; a broken one is a usage error (never echoing it). */
function checkUser(input: { email: string; password: string; roles: string[] }): void {
  const [first] = validateSync(plainToInstance(CreateUserDto, input), { stopAtFirstError: true });
  if (first) {
    throw new UsageError(Object.values(first.constraints ?? {})[0] ?? `invalid ${first.property}`);
  }
}

const service = <T>(app: INestApplicationContext, type: new (...args: never[]) => T): T =>
  app.get(type, { strict: false });

export const COMMANDS: Record<string, Command> = {
  'create-user': {
    summary: 'create an admin user',
    usage:
      'create-user --email <address> --role <admin|dpo|auditor> [--role ...] [--password-stdin]',
    options: ['email', 'role'],
    flags: ['password-stdin'],
    async run(app, args, io) {
      const email = required(args, 'email');
      const roles = args.options.get('role') ?? [];
      const { password, generated } = await passwordOf(args, io);
      checkUser({ email, password, roles });
      const user = await service(app, AdminUsersService).create(SYSTEM, {
        email,
        password,
        roles: roles as CreateUserDto['roles'],
      });
      io.out(`Created user ${user.id} (${user.email}) with roles ${user.roles.join(', ')}`);
      if (generated) {
        io.out(`Password: ${password}`);
      }
      return EXIT.ok;
    },
  },
  'reset-password': {
    summary: "set a user's password and end their sessions",
    usage: 'reset-password --email <address> [--password-stdin]',
    options: ['email'],
    flags: ['password-stdin'],
    async run(app, args, io) {
      const email = required(args, 'email');
      const { password, generated } = await passwordOf(args, io);
      checkUser({ email, password, roles: ['admin'] });
      const id = await service(app, AccountRecoveryService).resetPassword(SYSTEM, email, password);
      io.out(`Password of user ${id} reset; their sessions are ended`);
      if (generated) {
        io.out(`Password: ${password}`);
      }
      return EXIT.ok;
    },
  },
  'reset-mfa': {
    summary: "remove a user's second factor and backup codes, so they enrol again",
    usage: 'reset-mfa --email <address>',
    options: ['email'],
    flags: [],
    async run(app, args, io) {
      const id = await service(app, AccountRecoveryService).resetMfa(
        SYSTEM,
        required(args, 'email'),
      );
      io.out(`Second factor of user ${id} removed; their sessions are ended`);
      return EXIT.ok;
    },
  },
  unlock: {
    summary: "clear a user's failed-login delays and enable the account",
    usage: 'unlock --email <address>',
    options: ['email'],
    flags: [],
    async run(app, args, io) {
      const id = await service(app, AccountRecoveryService).unlock(SYSTEM, required(args, 'email'));
      io.out(`User ${id} unlocked`);
      return EXIT.ok;
    },
  },
  'verify-audit': {
    summary: 'check the audit chain and its signed checkpoints (exit 3 when broken)',
    usage: 'verify-audit',
    options: [],
    flags: [],
    async run(app, _args, io) {
      const result = await service(app, AuditIntegrityService).verify();
      io.out(JSON.stringify(result));
      return result.ok ? EXIT.ok : EXIT.auditBroken;
    },
  },
  reconcile: {
    summary: 're-enqueue open privacy requests whose run is missing from the queue',
    usage: 'reconcile',
    options: [],
    flags: [],
    async run(app, _args, io) {
      // One pass of the workers' own reconciler, without its timer.
      const reconciler = new Reconciler(
        service(app, PrivacyRequestRepository),
        service(app, WorkflowQueue),
        service(app, PrivacyRequestCommits),
        service(app, AuditService),
        service(app, AppConfig),
      );
      const { enqueued, failed } = await reconciler.tick();
      io.out(
        `Re-enqueued ${enqueued} privacy requests; failed ${failed} whose tasks had all ended`,
      );
      return EXIT.ok;
    },
  },
};

export function commandOf(args: ParsedArgs): Command {
  const command = args.command === undefined ? undefined : COMMANDS[args.command];
  if (!command) {
    throw new UsageError(
      args.command === undefined ? 'no command given' : `unknown command "${args.command}"`,
    );
  }
  onlyKnown(args, command.options, command.flags);
  return command;
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    "  --help  this text, or a command's own usage after its name",
    '',
    "The configuration is the service's own (environment and .env). A password is read from",
    'standard input with --password-stdin, else a random one is generated and printed once.',
    'Exit codes: 0 done, 1 failed (e.g. no such user), 2 usage or invalid input, 3 audit chain broken.',
  ].join('\n');
}
