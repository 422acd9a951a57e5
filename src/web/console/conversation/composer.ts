/**
 * Writing in a conversation: the reply to the citizen ("Trả lời" + "Gửi", Ctrl+Enter sends) and internal notes
 * ("Ghi chú nội bộ" + "Lưu ghi chú") that the citizen never sees. Typing is signalled to the citizen's side.
 */
import { ApiError, post } from '../api';
import { announce, field, h } from '../dom';
import { sendTyping } from '../live';

export interface Composer {
  element: HTMLElement;
  setConversation(id: string): void;
  /** Whether the operator holds the conversation (may reply). */
  setCanReply(canReply: boolean, canNote: boolean): void;
  insert(text: string): void;
  destroy(): void;
}

export function createComposer(onSent: () => void): Composer {
  let conversationId = '';
  let typingOn = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const reply = h('textarea', { rows: 3, maxlength: 4000 });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Gửi');
  const replyError = h('p', { class: 'form-error', role: 'alert' });
  reply.setAttribute('aria-describedby', 'reply-keys');
  const replyForm = h('form', { class: 'reply-form' }, field('Trả lời', reply), h('div', { class: 'row' }, h('small', { class: 'hint', id: 'reply-keys' }, 'Ctrl+Enter để gửi'), send), replyError);
  const hint = h('p', { class: 'hint hold-hint' }, 'Nhấn “Nhận” để trả lời công dân.');

  const note = h('textarea', { rows: 2, maxlength: 4000 });
  const saveNote = h('button', { type: 'submit' }, 'Lưu ghi chú');
  const noteForm = h('form', { class: 'note-form' }, field('Ghi chú nội bộ', note, 'Chỉ cán bộ thấy, không gửi cho công dân'), h('div', { class: 'row' }, saveNote));
  const noteDetails = h('details', { class: 'notes' }, h('summary', {}, 'Thêm ghi chú nội bộ'), noteForm);

  const stopTyping = () => {
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = undefined;
    if (typingOn && conversationId) sendTyping(conversationId, false);
    typingOn = false;
  };

  reply.addEventListener('input', () => {
    if (!conversationId) return;
    if (!typingOn) {
      typingOn = true;
      sendTyping(conversationId, true);
    }
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  });
  reply.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      replyForm.requestSubmit();
    }
  });

  replyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = reply.value.trim();
    if (!text) {
      replyError.textContent = 'Vui lòng nhập nội dung trả lời.';
      reply.focus();
      return;
    }
    send.disabled = true;
    replyError.textContent = '';
    stopTyping();
    post(`/api/console/conversations/${encodeURIComponent(conversationId)}/reply`, { text }).then(
      () => {
        send.disabled = false;
        reply.value = '';
        reply.focus();
        onSent();
      },
      (err: unknown) => {
        send.disabled = false;
        replyError.textContent = err instanceof ApiError ? err.message : 'Không gửi được, vui lòng thử lại.';
      },
    );
  });

  noteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = note.value.trim();
    if (!text) return;
    saveNote.disabled = true;
    post(`/api/console/conversations/${encodeURIComponent(conversationId)}/notes`, { text }).then(
      () => {
        saveNote.disabled = false;
        note.value = '';
        noteDetails.open = false;
        announce('Đã lưu ghi chú nội bộ.');
        onSent();
      },
      (err: unknown) => {
        saveNote.disabled = false;
        announce(err instanceof ApiError ? err.message : 'Không lưu được ghi chú.', 'error');
      },
    );
  });

  const element = h('div', { class: 'composer' }, hint, replyForm, noteDetails);

  return {
    element,
    setConversation(id) {
      if (id !== conversationId) {
        stopTyping();
        reply.value = '';
        note.value = '';
        replyError.textContent = '';
      }
      conversationId = id;
    },
    setCanReply(canReply, canNote) {
      replyForm.hidden = !canReply;
      hint.hidden = canReply || !canNote;
      noteDetails.hidden = !canNote;
    },
    insert(text) {
      const start = reply.selectionStart ?? reply.value.length;
      const end = reply.selectionEnd ?? reply.value.length;
      reply.value = reply.value.slice(0, start) + text + reply.value.slice(end);
      reply.focus();
      reply.selectionStart = reply.selectionEnd = start + text.length;
    },
    destroy: stopTyping,
  };
}
