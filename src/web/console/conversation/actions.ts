/**
 * The operator's actions on a conversation: "Nhận" (claim), transfer to another operator, "Trả lại cho bot"
 * (release) and closing with a reason. What is offered follows the state and who holds the conversation.
 */
import { ApiError, get, post } from '../api';
import { announce, field, h, replace } from '../dom';
import { CLOSE_REASONS, PRESENCE_NAMES } from '../strings';
import type { ConsoleUser, ConversationDetail, Operator } from '../types';

export function renderActions(container: HTMLElement, detail: ConversationDetail, user: ConsoleUser, onDone: (focusReply: boolean) => void): void {
  const { conversation: c, you } = detail;
  const supervising = user.role === 'supervisor';
  const path = (action: string) => `/api/console/conversations/${encodeURIComponent(c.id)}/${action}`;
  const run = (button: HTMLButtonElement, action: string, body: unknown, done: string, focusReply = false) => {
    button.disabled = true;
    post(path(action), body).then(
      () => {
        announce(done);
        onDone(focusReply);
      },
      (err: unknown) => {
        button.disabled = false;
        announce(err instanceof ApiError ? err.message : 'Không thực hiện được, vui lòng thử lại.', 'error');
        onDone(false);
      },
    );
  };

  const buttons: HTMLElement[] = [];
  const extra: HTMLElement[] = [];
  if (!you.canAct) {
    replace(container, h('p', { class: 'hint' }, 'Chỉ xem: tài khoản này không xử lý cuộc trò chuyện.'));
    return;
  }
  if (c.state === 'closed') {
    replace(container, h('p', { class: 'hint' }, `Đã kết thúc${c.closeReason ? `: ${c.closeReason}` : ''}.`));
    return;
  }
  const heldByOther = c.state === 'human' && !you.holds;
  if (c.state === 'queued' || c.state === 'bot' || (heldByOther && supervising)) {
    const claim = h('button', { type: 'button', class: 'primary' }, 'Nhận');
    if (heldByOther) claim.setAttribute('aria-description', `Nhận lại từ ${c.assigneeName ?? 'tổng đài viên khác'}`);
    claim.addEventListener('click', () => run(claim, 'claim', {}, 'Đã nhận cuộc trò chuyện.', true));
    buttons.push(claim);
  }
  const mayManage = c.state === 'queued' || you.holds || supervising;
  if (mayManage && (c.state === 'queued' || c.state === 'human')) {
    const transferToggle = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Chuyển cho…');
    const release = h('button', { type: 'button' }, 'Trả lại cho bot');
    release.addEventListener('click', () => run(release, 'release', {}, 'Đã trả lại cho trợ lý tự động.'));
    const closeToggle = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Kết thúc');
    buttons.push(transferToggle, release, closeToggle);

    const transferForm = transferPanel(user, (toUserId, button) => run(button, 'transfer', { toUserId }, 'Đã chuyển cuộc trò chuyện.'));
    transferForm.hidden = true;
    transferToggle.addEventListener('click', () => {
      transferForm.hidden = !transferForm.hidden;
      transferToggle.setAttribute('aria-expanded', String(!transferForm.hidden));
      if (!transferForm.hidden) transferForm.querySelector('select')?.focus();
    });

    const closeForm = closePanel((reason, button) => run(button, 'close', { reason }, 'Đã kết thúc cuộc trò chuyện.'));
    closeForm.hidden = true;
    closeToggle.addEventListener('click', () => {
      closeForm.hidden = !closeForm.hidden;
      closeToggle.setAttribute('aria-expanded', String(!closeForm.hidden));
      if (!closeForm.hidden) closeForm.querySelector('select')?.focus();
    });
    extra.push(transferForm, closeForm);
  }
  const holder = heldByOther ? h('p', { class: 'hint' }, `Đang do ${c.assigneeName ?? 'tổng đài viên khác'} xử lý.`) : null;
  replace(container, holder, h('div', { class: 'action-buttons', role: 'group', 'aria-label': 'Thao tác' }, buttons), extra);
}

function transferPanel(user: ConsoleUser, submit: (toUserId: string, button: HTMLButtonElement) => void): HTMLFormElement {
  const select = h('select', { required: true }, h('option', { value: '' }, 'Đang tải danh sách…'));
  const button = h('button', { type: 'submit' }, 'Chuyển');
  const form = h('form', { class: 'inline-form', 'aria-label': 'Chuyển cho tổng đài viên khác' }, field('Chuyển cho', select), button);
  void get<{ operators: Operator[] }>('/api/console/operators').then((r) => {
    const others = r.operators.filter((o) => o.id !== user.id);
    replace(
      select,
      h('option', { value: '' }, others.length ? 'Chọn tổng đài viên' : 'Không có tổng đài viên khác'),
      others.map((o) => h('option', { value: o.id, disabled: o.presence === 'offline' }, `${o.displayName} — ${PRESENCE_NAMES[o.presence]}, đang giữ ${o.load}`)),
    );
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!select.value) return select.focus();
    submit(select.value, button);
  });
  return form;
}

function closePanel(submit: (reason: string, button: HTMLButtonElement) => void): HTMLFormElement {
  const select = h('select', {}, CLOSE_REASONS.map((r) => h('option', { value: r }, r)));
  const detail = h('input', { type: 'text', maxlength: 400 });
  const button = h('button', { type: 'submit', class: 'danger' }, 'Xác nhận kết thúc');
  const form = h('form', { class: 'inline-form', 'aria-label': 'Kết thúc cuộc trò chuyện' }, field('Lý do kết thúc', select), field('Ghi thêm (không bắt buộc)', detail), button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const more = detail.value.trim();
    submit(more ? `${select.value}: ${more}` : select.value, button);
  });
  return form;
}
