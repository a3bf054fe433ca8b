/**
 * The member-facing sign-in and consent pages of the authorization server: plain HTML
 * forms (no script), so they work in any browser an app opens. Every value is escaped.
 */
import { parseSmartScope } from '@tandem/core';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.55rem 1.2rem;font-size:1rem;margin-right:.5rem}.err{color:#b91c1c}li{margin:.25rem 0}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(uid: string, appName: string, error: string | null): string {
  return page('Sign in — Tandem Health Plan', `<h1>Sign in to share your health plan data</h1>
<p><strong>${esc(appName)}</strong> asks to connect to your health plan account.</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/smart/interaction/${esc(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`);
}

/** A scope in words a member understands. */
export function scopeLabel(scope: string): string {
  const p = parseSmartScope(scope);
  if (p) {
    const what = p.type === '*' ? 'all your health plan data' : ({ Patient: 'your demographics', Coverage: 'your coverage', ExplanationOfBenefit: 'your claims and explanations of benefit', Group: 'group lists' } as Record<string, string>)[p.type] ?? p.type;
    return `Read ${what}`;
  }
  return ({
    openid: 'Know who you are', fhirUser: 'Know who you are', profile: 'Your name and date of birth', 'launch/patient': 'Know which member record to open',
    offline_access: 'Keep access until you revoke it', online_access: 'Keep access while you are signed in',
  } as Record<string, string>)[scope] ?? scope;
}

export function consentPage(uid: string, appName: string, memberName: string, labels: readonly string[]): string {
  return page('Allow access — Tandem Health Plan', `<h1>Allow ${esc(appName)} to access your data?</h1>
<p>Signed in as <strong>${esc(memberName)}</strong>. The app will be able to:</p>
<ul>${[...new Set(labels)].map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<p>You can revoke access at any time from your member page.</p>
<form method="post" action="/smart/interaction/${esc(uid)}/confirm">
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>`);
}
