import { onlyKnown, parseArgs, required, UsageError } from './cli-args';

const FLAGS = new Set(['help', 'password-stdin']);
const OPTIONS = new Set(['email', 'role']);

describe('parseArgs', () => {
  it('reads the command, repeated options and flags', () => {
    const args = parseArgs(
      [
        'create-user',
        '--email',
        'zoë@example.com',
        '--role',
        'admin',
        '--role=dpo',
        '--password-stdin',
      ],
      FLAGS,
      OPTIONS,
    );
    expect(args.command).toBe('create-user');
    expect(required(args, 'email')).toBe('zoë@example.com');
    expect(args.options.get('role')).toEqual(['admin', 'dpo']);
    expect(args.flags.has('password-stdin')).toBe(true);
  });

  it('refuses an option without its value, a value for a flag, and a second command', () => {
    expect(() => parseArgs(['unlock', '--email'], FLAGS, OPTIONS)).toThrow('--email needs a value');
    expect(() => parseArgs(['unlock', '--email', '--help'], FLAGS, OPTIONS)).toThrow(
      '--email needs a value',
    );
    expect(() => parseArgs(['x', '--help=yes'], FLAGS, OPTIONS)).toThrow('--help takes no value');
    expect(() => parseArgs(['unlock', 'reset-mfa'], FLAGS, OPTIONS)).toThrow(
      'unexpected argument "reset-mfa"',
    );
  });

  it('names a missing, repeated or unknown option', () => {
    const args = parseArgs(
      ['unlock', '--email', 'a@b.test', '--email', 'c@d.test', '--role', 'x'],
      FLAGS,
      OPTIONS,
    );
    expect(() => required(args, 'email')).toThrow('--email is given more than once');
    expect(() => required(args, 'password')).toThrow(UsageError);
    expect(() => onlyKnown(args, ['email'], [])).toThrow('unknown option --role');
    expect(() => parseArgs(['unlock', '--force'], FLAGS, OPTIONS)).toThrow(
      'unknown option --force',
    );
  });
});
