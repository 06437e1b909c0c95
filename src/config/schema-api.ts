import { z } from 'zod';
import { apiSettingsProblems } from './api-listen.js';
import { intSchema } from './schema-common.js';
import type { SettingsSpec } from './spec.js';

const pathSchema = z.string().trim().min(1, 'expected the path of a PEM file');

/** `settings.api`: `{socket, listen, token, allow_remote, tls: {cert, key}}` (README, "The API"). */
export const apiSchema = z
  .strictObject({
    socket: z.boolean().optional(),
    // A bare port listens on loopback: exposing the API beyond the host must be spelled out.
    listen: z
      .union([z.string().min(1), intSchema(1, 65535)], { error: 'expected "host:port" or a port number' })
      .transform((value) => (typeof value === 'number' ? `127.0.0.1:${value}` : value))
      .nullable()
      .optional(),
    token: z.string().nullable().optional(),
    allow_remote: z.boolean({ error: 'expected true or false' }).optional(),
    tls: z
      .strictObject(
        { cert: pathSchema, key: pathSchema },
        { error: 'expected {cert: cert.pem, key: key.pem} (PEM files, relative to the config)' },
      )
      .nullable()
      .optional(),
  })
  .superRefine((value, ctx) => {
    const problems = apiSettingsProblems(
      {
        listen: value.listen ?? null,
        token: null,
        allowRemote: value.allow_remote ?? false,
        tls: value.tls ?? null,
      },
      false,
    );
    // An issue about a key that is not written points at settings.api itself.
    for (const problem of problems)
      ctx.addIssue({
        code: 'custom',
        path: value[problem.key] === undefined ? [] : [problem.key],
        message: problem.message,
      });
  })
  .transform(
    (value): Partial<SettingsSpec['api']> => ({
      socket: value.socket,
      listen: value.listen,
      token: value.token,
      allowRemote: value.allow_remote,
      tls: value.tls,
    }),
  );
