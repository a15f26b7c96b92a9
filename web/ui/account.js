// Bellwether dashboard, account area: your API tokens (create, shown once,
// revoke), a voluntary password change, and for administrators the users
// page (create with a one-time password, disable/enable, reset password,
// delete). It follows app.js through the bellwether:signed-in / signed-out
// events and calls the API through app.js's api(), so cookie sessions send
// their CSRF token. Server strings reach the DOM only as text.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  let session = null;   // {user, api} while signed in

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'type' || key === 'title') node[key] = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  function showError(id, err) {
    const box = $(id);
    box.textContent = err ? (err.detail || err.message || 'Something went wrong.') : '';
    box.hidden = !err;
  }

  function showSecret(id, value) {
    $(`${id}-value`).value = value || '';
    $(id).hidden = !value;
    if (value) $(`${id}-value`).select();
  }

  // ---- tokens ---------------------------------------------------------------

  async function loadTokens() {
    if (!session) return;
    try {
      const data = await session.api('GET', '/api/v1/tokens?limit=500');   // at most 100 per user
      renderTokens(data.items || []);
      showError('tokens-error', null);
    } catch (err) {
      showError('tokens-error', err);
    }
  }

  function renderTokens(tokens) {
    $('tokens-count').textContent = String(tokens.length);
    $('token-list').replaceChildren(...tokens.map((token) => {
      const label = token.label || '(no label)';
      const revoke = el('button', { type: 'button', className: 'btn btn-danger btn-small', 'aria-label': `Revoke token ${label}` }, 'Revoke');
      revoke.addEventListener('click', async () => {
        revoke.disabled = true;
        try {
          await session.api('DELETE', `/api/v1/tokens/${encodeURIComponent(token.id)}`);
          await loadTokens();
        } catch (err) {
          revoke.disabled = false;
          showError('tokens-error', err);
        }
      });
      return el('li', { dataset: { testid: 'token-row', tokenId: token.id } },
        el('span', { className: 'grow' }, label),
        el('span', { className: 'muted' }, String(token.created_at || '').slice(0, 10)), revoke);
    }));
  }

  async function createToken(event) {
    event.preventDefault();
    try {
      const created = await session.api('POST', '/api/v1/tokens', { body: { label: $('token-label').value.trim() } });
      $('token-label').value = '';
      showSecret('token-secret', created.token);
      showError('tokens-error', null);
      await loadTokens();
    } catch (err) {
      showError('tokens-error', err);
    }
  }

  // ---- password -------------------------------------------------------------

  async function changePassword(event) {
    event.preventDefault();
    const status = $('change-status');
    try {
      await session.api('POST', '/api/v1/me/password', {
        body: { current_password: $('change-current').value, new_password: $('change-new').value },
      });
      $('change-current').value = '';
      $('change-new').value = '';
      status.textContent = 'Password changed. Your other sessions were signed out.';
    } catch (err) {
      status.textContent = err.detail || err.message;
    }
  }

  // ---- users (administrators) ---------------------------------------------

  async function loadUsers() {
    if (!session || !session.user.admin) return;
    try {
      // Every page: the list follows next_cursor.
      const users = [];
      let cursor = null;
      do {
        const data = await session.api('GET', `/api/v1/users?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        users.push(...(data.items || []));
        cursor = data.next_cursor || null;
      } while (cursor);
      renderUsers(users);
      showError('users-error', null);
    } catch (err) {
      showError('users-error', err);
    }
  }

  function userAction(label, aria, handler, className = 'btn btn-ghost btn-small') {
    const button = el('button', { type: 'button', className, 'aria-label': aria }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await handler(button);
      } catch (err) {
        showError('users-error', err);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  function renderUsers(users) {
    $('users-count').textContent = String(users.length);
    $('user-list').replaceChildren(...users.map((user) => {
      const path = `/api/v1/users/${encodeURIComponent(user.id)}`;
      const notes = [user.admin ? 'admin' : null, user.disabled ? 'disabled' : null,
        user.must_change_password ? 'must change password' : null].filter(Boolean).join(', ');
      const toggle = userAction(user.disabled ? 'Enable' : 'Disable', `${user.disabled ? 'Enable' : 'Disable'} ${user.name}`, async () => {
        await session.api('PATCH', path, { body: { disabled: !user.disabled } });
        await loadUsers();
      });
      const reset = userAction('Reset password', `Reset the password of ${user.name}`, async () => {
        const result = await session.api('POST', `${path}/password`, { body: {} });
        showSecret('user-secret', result.initial_password);
        await loadUsers();
      });
      // Two steps instead of confirm(): the first click arms, the second deletes.
      const remove = userAction('Delete', `Delete ${user.name}`, async (button) => {
        if (button.dataset.armed !== 'true') {
          button.dataset.armed = 'true';
          button.textContent = 'Confirm delete';
          return;
        }
        await session.api('DELETE', path);
        await loadUsers();
      }, 'btn btn-danger btn-small');
      return el('li', { dataset: { testid: 'user-row', userName: user.name } },
        el('span', { className: 'grow' }, user.name, notes ? el('span', { className: 'muted' }, ` (${notes})`) : ''),
        toggle, reset, remove);
    }));
  }

  async function createUser(event) {
    event.preventDefault();
    try {
      const created = await session.api('POST', '/api/v1/users', {
        body: { name: $('new-user-name').value.trim(), admin: $('new-user-admin').checked },
      });
      $('new-user-name').value = '';
      $('new-user-admin').checked = false;
      showSecret('user-secret', created.initial_password);
      showError('users-error', null);
      await loadUsers();
    } catch (err) {
      showError('users-error', err);
    }
  }

  // ---- session ----------------------------------------------------------------

  function onSignedIn() {
    session = window.bellwetherSession;
    if (!session) return;
    $('users-card').hidden = !session.user.admin;
    loadTokens();
    loadUsers();
  }

  function onSignedOut() {
    session = null;
    for (const id of ['token-list', 'user-list']) $(id).replaceChildren();
    for (const id of ['token-secret', 'user-secret']) showSecret(id, null);
    for (const id of ['tokens-error', 'users-error']) showError(id, null);
    $('change-status').textContent = '';
    $('users-card').hidden = true;
  }

  $('token-form').addEventListener('submit', createToken);
  $('change-password-form').addEventListener('submit', changePassword);
  $('user-form').addEventListener('submit', createUser);
  window.addEventListener('bellwether:signed-in', onSignedIn);
  window.addEventListener('bellwether:signed-out', onSignedOut);
  if (window.bellwetherSession) onSignedIn();
})();
