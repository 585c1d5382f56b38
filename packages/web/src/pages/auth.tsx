import { useState } from 'preact/hooks';
import { api, problemText } from '../api/client';
import { Link, navigate } from '../router';
import { homeOf, session } from '../session';
import { Alert, Field, useAsync } from '../ui';

export const SignIn = () => {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAsync();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const { data, error: problem } = await api.POST('/login', { body: { email, password } });
      if (!data) return setError(problemText(problem, 'Could not sign in.'));
      navigate(homeOf(session.signIn(data.idToken)), true);
    });
  };
  return (
    <div class="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} class="card" aria-describedby={error ? 'signin-error' : undefined}>
        <Field label="E-mail" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Field label="Password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && (
          <div id="signin-error">
            <Alert>{error}</Alert>
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link href="/app/signup">Create an account</Link>.
      </p>
    </div>
  );
};

export const SignUp = () => {
  const [form, setForm] = useState({ email: '', password: '', firstName: '', lastName: '', phoneNumber: '' });
  const { busy, error, setError, run } = useAsync();
  const set = (k: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const reg = await api.POST('/register', { body: form });
      if (!reg.data) return setError(problemText(reg.error, 'Could not create the account.'));
      const login = await api.POST('/login', { body: { email: form.email, password: form.password } });
      if (!login.data) return setError(problemText(login.error, 'Account created, but signing in failed.'));
      navigate(homeOf(session.signIn(login.data.idToken)), true);
    });
  };
  return (
    <div class="narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} class="card">
        <div class="row">
          <Field label="First name" autocomplete="given-name" required value={form.firstName} onInput={set('firstName')} />
          <Field label="Last name" autocomplete="family-name" required value={form.lastName} onInput={set('lastName')} />
        </div>
        <Field label="E-mail" type="email" autocomplete="email" required value={form.email} onInput={set('email')} />
        <Field label="Phone number" type="tel" autocomplete="tel" required placeholder="+15550100000" hint="International format, e.g. +15550100000" value={form.phoneNumber} onInput={set('phoneNumber')} />
        <Field
          label="Password"
          type="password"
          autocomplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters with lower- and upper-case letters, a digit and a symbol"
          value={form.password}
          onInput={set('password')}
        />
        {error && <Alert>{error}</Alert>}
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already registered? <Link href="/app/signin">Sign in</Link>.
      </p>
    </div>
  );
};
