import { z } from 'zod';

/** A password an officer chooses: 10–128 characters with at least one letter and one digit. */
export const NewPasswordSchema = z
  .string()
  .min(10, '密码至少 10 位')
  .max(128, '密码最多 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码需同时包含字母和数字');

export const LoginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1, '请输入当前密码').max(256),
  newPassword: NewPasswordSchema,
});
export type ChangePasswordReq = z.infer<typeof ChangePasswordSchema>;
