import type { Type } from '@nestjs/common';
import { CheckQueryDto } from 'src/consent/dto/check.dto';
import { CreatePrivacyRequestDto, SubjectDto } from 'src/privacy-requests/dto/privacy-request.dto';
import { precheckOf } from './prechecked.decorator';
import { ValidationFailed } from './validation-failed';
import { createValidationPipe } from './validation.pipe';

const fast = createValidationPipe();
const full = createValidationPipe({ prechecks: false });

/** What a pipe makes of a value: the DTO as JSON with its classes, or the refusal's errors. */
async function answer(pipe: typeof fast, metatype: Type, value: unknown, type: 'body' | 'query') {
  try {
    const dto = (await pipe.transform(value, { type, metatype, data: undefined })) as Record<
      string,
      unknown
    >;
    const classes = Object.entries(dto).map(([k, v]) => [k, (v as object)?.constructor?.name]);
    return { dto: JSON.stringify(dto), cls: dto.constructor.name, classes };
  } catch (error) {
    return { refused: error instanceof ValidationFailed ? error.errors : String(error) };
  }
}

/** Every combination of one value per property (`undefined`: the property left out). */
function* combinations(values: Record<string, unknown[]>): Generator<Record<string, unknown>> {
  const [first, ...rest] = Object.keys(values);
  if (first === undefined) {
    yield {};
    return;
  }
  for (const tail of combinations(Object.fromEntries(rest.map((k) => [k, values[k]])))) {
    for (const value of values[first]) {
      yield value === undefined ? tail : { [first]: value, ...tail };
    }
  }
}

const SUBJECTS: Record<string, unknown[]> = {
  email: [
    undefined,
    'jane@example.com',
    ' Jane@Example.COM ',
    'jane@bücher.example',
    'jane@xn--bcher-kva.example',
    'not-an-address',
    `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}`,
    'jane\u0001@example.com',
    null,
    42,
  ],
  subjectId: [
    undefined,
    'cust-1029',
    '',
    'x'.repeat(200),
    'x'.repeat(201),
    '\uFE0F',
    'a\u0000',
    null,
  ],
  phone: [undefined, '+44 20 7946 0018', '12', 'call me', 5],
};

describe('prechecked DTOs answer exactly as the full validation', () => {
  it('creating a privacy request: every combination of plain and awkward values', async () => {
    const subjects = [...combinations(SUBJECTS)];
    const extras = [
      { extra: 1 },
      { subject: { email: 'jane@example.com', extra: 1 } },
      { subject: ['jane@example.com'] },
      { subject: 'jane@example.com' },
      { subject: null },
      { corrections: [{ field: 'name', value: 'Jane' }] },
      { webhookUrl: 'https://shop.example.com/hooks' },
      { __proto__: null, type: 'erasure', subject: { email: 'jane@example.com' } },
    ];
    const requests = [
      ...[
        ...combinations({
          type: [undefined, 'erasure', 'access', 'rectification', 'Erasure', 3],
          jurisdiction: [undefined, 'GDPR', 'CCPA', 'gdpr', null],
          receivedAt: [undefined, '2026-11-23T08:15:00Z', '2026-02-30T08:15:00Z', '2026-11-23', 7],
          notify: [undefined, true, false, 'true'],
        }),
      ].flatMap((base, i) => [
        { ...base, subject: subjects[i % subjects.length] },
        { ...base, subject: subjects[(i * 7 + 3) % subjects.length] },
      ]),
      ...subjects.map((subject) => ({ type: 'erasure', subject })),
      ...extras.map((extra) => ({
        type: 'erasure',
        subject: { email: 'jane@example.com' },
        ...extra,
      })),
    ];
    let prechecked = 0;
    for (const body of requests) {
      const plain = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
      const [a, b] = [
        await answer(fast, CreatePrivacyRequestDto, plain, 'body'),
        await answer(full, CreatePrivacyRequestDto, structuredClone(plain), 'body'),
      ];
      expect({ body, answer: a }).toEqual({ body, answer: b });
      prechecked += precheckOf(CreatePrivacyRequestDto)?.precheck(plain) ? 1 : 0;
    }
    // Both paths were exercised, each many times.
    expect(prechecked).toBeGreaterThan(30);
    expect(requests.length - prechecked).toBeGreaterThan(100);
  });

  it('gives a plainly valid request its nested subject as an instance of its DTO', async () => {
    const dto = (await fast.transform(
      { type: 'erasure', subject: { email: 'jane@example.com' } },
      { type: 'body', metatype: CreatePrivacyRequestDto, data: undefined },
    )) as CreatePrivacyRequestDto;
    expect(dto).toBeInstanceOf(CreatePrivacyRequestDto);
    expect(dto.subject).toBeInstanceOf(SubjectDto);
  });

  it('the consent check query: plain and awkward queries', async () => {
    const queries = [
      ...combinations({
        subjectId: [
          undefined,
          'jane@example.com',
          ' ',
          '',
          'x'.repeat(256),
          'x'.repeat(257),
          ['a', 'b'],
          'a\u0000',
        ],
        purpose: [undefined, 'marketing-email', 'Ads!', '', ['a'], 'a'.repeat(100)],
        extra: [undefined, '1'],
      }),
    ];
    let prechecked = 0;
    for (const query of queries) {
      const [a, b] = [
        await answer(fast, CheckQueryDto, { ...query }, 'query'),
        await answer(full, CheckQueryDto, { ...query }, 'query'),
      ];
      expect({ query, answer: a }).toEqual({ query, answer: b });
      prechecked += precheckOf(CheckQueryDto)?.precheck(query) ? 1 : 0;
    }
    expect(prechecked).toBeGreaterThan(2);
  });
});
