import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('fills documented defaults from an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.APP_TIMEZONE).toBe('Asia/Shanghai');
    expect(config.ADMIN_USERNAME).toBe('admin');
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.SERVICES).toEqual(['web', 'scheduler']);
  });

  it('names every bad variable and what to fix', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://db:27017', APP_TIMEZONE: 'Mars/Olympus', ADMIN_PASSWORD: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
    expect(message).toMatch(/APP_TIMEZONE: must be an IANA time zone/);
    expect(message).toMatch(/ADMIN_PASSWORD: must be at least 10 characters/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('treats empty optional values as unset', () => {
    const config = loadConfig({ MONGODB_URI: '', OPENAI_API_KEY: '  ' });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it('rejects an unknown service role in SERVICES', () => {
    expect(() => loadConfig({ SERVICES: 'web,mailer' })).toThrow(/SERVICES/);
  });
});
