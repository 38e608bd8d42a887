/* Colleagues in one live chat, in the employee console: who is in it (the lead, who holds it,
 * first), shown in the chat's header; "Leave" for whoever is in it while a colleague stays (the
 * last one ends the chat instead); a line in the chat when someone joins or leaves.
 * Socket.IO: leave; participants_changed. Inviting is handover.js's picker (purpose invite).
 * Text is rendered with textContent only.
 */

/** Whether I am in the conversation: I hold it, or I was invited in and am still there. */
export function inChat(conv, meId) {
  return conv.employee_id === meId || (conv.participants || []).some((p) => p.employee_id === meId);
}

/** Everyone in it but me (names), the lead first. */
export function othersIn(conv, meId) {
  return (conv.participants || []).filter((p) => p.employee_id !== meId).map((p) => p.employee.name);
}

/** The line said in the chat when someone joined or left (null: it was me who left). */
export function changeLine(change, meId, ct) {
  const name = change.employee.name;
  if (change.change === "joined") return ct("colleagueJoined", { name });
  if (change.employee_id === meId) return null;
  const lead = (change.participants || []).find((p) => p.lead);
  const leads = lead && change.lead_id !== meId ? ` ${ct("nowLeads", { name: lead.employee.name })}` : "";
  return `${ct("colleagueLeft", { name })}${leads}`;
}

export function createParticipants({ el, ct, request, errorText, toast, me }) {
  /** The header's list of who is in the chat (only when a colleague is in it with me). */
  function decorate(conv, meta) {
    const people = conv.participants || [];
    if (people.length < 2) return;
    meta.appendChild(el("span", { className: "participants", id: "chat-participants", "aria-label": ct("inThisChat") },
      ...people.map((p) => el("span", {
        className: `participant${p.lead ? " lead" : ""}${p.employee_id === me.id ? " me" : ""}`,
        title: [p.employee.title, p.employee.team].filter(Boolean).join(" · ") || null,
        text: p.employee_id === me.id ? ct("you") : p.employee.name,
      }))));
  }

  /** Whether the chat's close button means leaving (a colleague stays in it). */
  function leaves(conv) {
    return conv.status === "active" && othersIn(conv, me.id).length > 0;
  }

  /** Step out of the chat; true when it worked (the caller drops it). */
  async function leave(conv) {
    const ack = await request("leave", { conversation_id: conv.id });
    if (!ack.ok) {
      toast(errorText(ack), "error");
      return false;
    }
    toast(ct("youLeft"));
    return true;
  }

  return { decorate, leaves, leave };
}
