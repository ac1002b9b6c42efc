import { CheckQueryDto } from 'src/consent/dto/check.dto';
import { ValidationFailed } from './validation-failed';
import { createValidationPipe } from './validation.pipe';

const pipe = createValidationPipe();
const asQuery = (value: unknown) =>
  pipe.transform(value, { type: 'query', metatype: CheckQueryDto, data: undefined });
const refusal = async (value: unknown): Promise<unknown> =>
  asQuery(value).then(
    () => undefined,
    (error: unknown) => (error instanceof ValidationFailed ? error.errors : error),
  );

describe('validation pipe with a prechecked DTO', () => {
  it('passes a plainly valid query on as an instance of the DTO', async () => {
    const query = Object.assign(Object.create(null) as object, {
      subjectId: 'jane@example.com',
      purpose: 'marketing-email',
    });
    const dto = await asQuery(query);
    expect(dto).toBeInstanceOf(CheckQueryDto);
    expect(dto).toEqual(Object.assign(new CheckQueryDto(), query));
  });

  it.each([
    ['an unknown parameter', { subjectId: 'jane', purpose: 'ads', extra: '1' }, 'extra'],
    ['a blank subject', { subjectId: '  ', purpose: 'ads' }, 'subjectId'],
    ['a repeated parameter', { subjectId: ['a', 'b'], purpose: 'ads' }, 'subjectId'],
    ['a malformed purpose', { subjectId: 'jane', purpose: 'Ads!' }, 'purpose'],
    ['a missing purpose', { subjectId: 'jane' }, 'purpose'],
    ['a subject too long', { subjectId: 'x'.repeat(257), purpose: 'ads' }, 'subjectId'],
  ])('refuses %s with the errors the decorators give', async (_, query, field) => {
    const errors = (await refusal(query)) as Array<{ field: string; message: string }>;
    expect([...new Set(errors.map((e) => e.field))]).toEqual([field]);
  });
});
