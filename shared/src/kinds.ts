/** Kinds the relay's connectors emit; other producers may use any kind. */
export const KINDS = {
  ticketProposedResolution: 'ticket.proposed_resolution',
  ticketStatusChanged: 'ticket.status_changed',
  ticketLagged: 'ticket.lagged',
  agentApprovalAdded: 'agent.approval_added',
  agentApprovalResolved: 'agent.approval_resolved',
  agentQuestionAdded: 'agent.question_added',
  agentQuestionResolved: 'agent.question_resolved',
  agentLifecycle: 'agent.lifecycle',
  agentMessage: 'agent.message',
  /** Published by the relay after a person answered: clears the item everywhere. */
  actionDecided: 'herald.decided',
} as const;
