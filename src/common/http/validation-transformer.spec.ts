import { Type } from 'class-transformer';
import { IsString, ValidateNested } from 'class-validator';
import { AsParsed } from './as-parsed.decorator';
import { validationTransformer } from './validation-transformer';

class Inner {
  @IsString()
  name!: string;
}

class Body {
  @AsParsed()
  fields!: Record<string, string>;

  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

class Child extends Body {
  @AsParsed()
  extra!: Record<string, string>;
}

describe('validationTransformer', () => {
  it('sets @AsParsed() properties by reference and transforms the others', () => {
    const fields = { a: 'x', b: 'y' };
    const plain = { fields, inner: { name: 'n' } };
    const body = validationTransformer.plainToInstance(Body, plain) as Body;
    expect(body).toBeInstanceOf(Body);
    expect(body.fields).toBe(fields);
    expect(body.inner).toBeInstanceOf(Inner);
    expect(plain).toEqual({ fields, inner: { name: 'n' } });
  });

  it('keeps inherited @AsParsed() properties and leaves absent ones absent', () => {
    const extra = { c: 'z' };
    const child = validationTransformer.plainToInstance(Child, { extra }) as Child;
    expect(child).toBeInstanceOf(Child);
    expect(child.extra).toBe(extra);
    expect(child.fields).toBeUndefined();
  });

  it('hands anything but a plain object to class-transformer unchanged', () => {
    expect(validationTransformer.plainToInstance(Body, 'text')).toBe('text');
    const list = validationTransformer.plainToInstance(Body, [{ fields: { a: 'x' } }]) as Body[];
    expect(list[0]).toBeInstanceOf(Body);
  });
});
