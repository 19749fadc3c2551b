import { describe, expect, it } from 'vitest';
import { passwordProblems, quickRatio } from './password-rules.js';

describe('password rules', () => {
  it('accepts the page example password', () => {
    expect(passwordProblems('3v@b8cG4', { email: 'user@domain.com', first_name: 'John', last_name: 'Doe' })).toEqual([]);
  });

  it('refuses passwords shorter than 8 characters', () => {
    expect(passwordProblems('x7#kQ2')).toEqual(['This password is too short. It must contain at least 8 characters.']);
  });

  it('refuses common passwords whatever their case, from the shipped list', () => {
    expect(passwordProblems('Password')).toContain('This password is too common.');
    expect(passwordProblems('qwertyuiop')).toContain('This password is too common.');
    expect(passwordProblems('sunshine')).toContain('This password is too common.');
  });

  it('refuses entirely numeric passwords', () => {
    expect(passwordProblems('4815162342917')).toEqual(['This password is entirely numeric.']);
  });

  it('refuses passwords too similar to the e-mail or names', () => {
    const owner = { email: 'margarethamilton@apollo.test', first_name: 'Margaret', last_name: 'Hamilton' };
    expect(passwordProblems('margarethamilton', owner)).toContain('The password is too similar to the email address.');
    expect(passwordProblems('Hamilton!9', { last_name: 'Hamilton' })).toEqual(['The password is too similar to the last name.']);
    expect(passwordProblems('Margaret#1', { first_name: 'Margaret' })).toEqual(['The password is too similar to the first name.']);
    expect(passwordProblems('v8#Lq2!xZr', owner)).toEqual([]);
  });

  it('lists every rule a password breaks', () => {
    expect(passwordProblems('1234567')).toEqual([
      'This password is too short. It must contain at least 8 characters.',
      'This password is too common.',
      'This password is entirely numeric.',
    ]);
  });

  it('computes quick_ratio as Python does', () => {
    expect(quickRatio('abcd', 'bcde')).toBe(0.75);
    expect(quickRatio('hamilton!9', 'hamilton')).toBeCloseTo(16 / 18);
    expect(quickRatio('', '')).toBe(1);
    expect(quickRatio('aaa', 'a')).toBe(0.5);
  });
});
