import { ServiceError, ServiceKitError, ServiceRequestError, SettingsError } from '../src/index.js';

type ShopCode = 'SHOP_OUT_OF_STOCK' | 'SHOP_VALIDATION_FAILED';

class ShopError extends ServiceError<ShopCode> {}
class ShopRequestError extends ServiceRequestError<ShopCode> {}
class ValidationFailed extends ShopRequestError {
  constructor(details: { path: string; message: string }[]) {
    super(400, 'SHOP_VALIDATION_FAILED', 'The request is invalid.', details);
  }
}

describe('ServiceError and ServiceRequestError', () => {
  it("carry the service's code, its own class name and the cause, as an app's error root does", () => {
    const cause = new Error('disk full');
    const error = new ShopError('SHOP_OUT_OF_STOCK', 'Nothing left.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ name: 'ShopError', code: 'SHOP_OUT_OF_STOCK', message: 'Nothing left.', cause });
  });

  it('a request error carries the HTTP status and the fields a validation error is about', () => {
    const error = new ValidationFailed([{ path: 'items.0.sku', message: 'is required.' }]);
    expect(error).toBeInstanceOf(ShopRequestError);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      name: 'ValidationFailed',
      status: 400,
      code: 'SHOP_VALIDATION_FAILED',
      details: [{ path: 'items.0.sku', message: 'is required.' }],
    });
  });

  it("is the root of the kit's own errors too", () => {
    const error = new SettingsError({ displayName: 'The shop' }, [
      { variable: 'SHOP_PORT', message: 'must be a number.' },
    ]);
    expect(error).toBeInstanceOf(ServiceKitError);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.name).toBe('SettingsError');
  });
});
