/** Short notes people write on a contact's timeline. `{name}` is the contact's given name, `{place}` their town. */

type Kind = "ministry" | "sales";

/** Calls by the setter or digital responder while the contact is in the intake queue. */
export const INTAKE_CALLS: Record<Kind, readonly string[]> = {
  ministry: [
    "No answer; left a short voicemail.",
    "No answer. Sent a WhatsApp message instead.",
    "Spoke for ten minutes: {name} is curious about faith after watching the video.",
    "Called back as promised; {name} would like to meet someone in person.",
    "Short chat. Prefers messages to calls.",
    "{name} asked for a Bible in their own language.",
    "Number busy twice; will try again tomorrow evening.",
    "Good conversation about prayer; open to meeting a local believer.",
    "{name} lost a parent last year and has many questions. Very open.",
    "Answered the chat responder's questions; happy to be contacted by phone.",
  ],
  sales: [
    "No answer; left a voicemail.",
    "Spoke with {name}: owns the house, the roof faces south-west.",
    "Electricity bill around 180 € a month; interested in a battery too.",
    "Asked to be called after 6 pm.",
    "Renting, needs to ask the landlord first.",
    "Interested in the tax incentive; wants a site survey.",
    "Sent the brochure by e-mail as requested.",
    "Detached house in {place}, roof about 40 m², no shading.",
    "Already has a quote from a competitor; wants a second opinion.",
    "Number unreachable; sent an SMS with our details.",
  ],
};

/** Notes from the dispatcher or setter while matching the contact. */
export const DISPATCH_NOTES: Record<Kind, readonly string[]> = {
  ministry: [
    "Prefers to meet a woman.",
    "Speaks some English; their own language is easier.",
    "Lives near the station in {place}; evenings only.",
    "Came through the Easter video; asked for a follow-up.",
    "Has a friend who already goes to a group.",
    "Works shifts; best reached on Sunday afternoons.",
    "Filled in the form twice; kept the newer phone number.",
  ],
  sales: [
    "Roof access may need scaffolding.",
    "Asked for an installer who speaks English.",
    "Referred by an existing customer in {place}.",
    "Wants an offer before the end of the month.",
    "Apartment building: needs the owners' assembly to approve.",
    "Prefers a visit on Saturday morning.",
    "Filled in the form twice; kept the newer phone number.",
  ],
};

/** Calls by the field worker. */
export const WORKER_CALLS: Record<Kind, readonly string[]> = {
  ministry: [
    "First call: friendly, agreed to meet for coffee.",
    "Reached {name}; we set a time for Saturday morning.",
    "No answer; will try again tomorrow.",
    "Called to check in; {name} is doing well.",
    "Talked for half an hour about family worries; prayed together on the phone.",
    "{name} had to cancel this week; we moved our meeting.",
  ],
  sales: [
    "Introduced myself; survey booked for Thursday.",
    "No answer; sent an SMS.",
    "Went through the quote line by line.",
    "{name} is comparing us with two other offers.",
    "Followed up on the financing documents.",
    "Called to confirm the installation date.",
  ],
};

export const MEETINGS: Record<Kind, readonly string[]> = {
  ministry: [
    "Met at a café in the centre of {place}; good conversation.",
    "Read Luke 15 together; many questions about grace.",
    "Met {name} and their spouse at home.",
    "{name} joined the Thursday evening group for the first time.",
    "Walked in the park and talked about the parables.",
    "Discovery Bible study together: the creation story.",
    "Studied the Gospel of John, chapter 4. {name} wants to share it with a friend.",
    "Prayed together for {name}'s job interview.",
    "Met after church in {place}; introduced {name} to two families.",
  ],
  sales: [
    "Site survey done: south-facing roof, about 35 m² usable.",
    "Presented a 6 kW system with a 10 kWh battery.",
    "Visited {name} at home in {place}; measured the roof.",
    "Signed the contract; installation to be scheduled.",
    "Reviewed the monitoring app after installation.",
    "Explained the financing options at the showroom.",
    "Checked the electrical panel: needs an upgrade before installation.",
  ],
};

/** Notes the worker keeps between meetings. */
export const WORKER_NOTES: Record<Kind, readonly string[]> = {
  ministry: [
    "Would like to bring a friend next time.",
    "Going through a hard time at work; please pray.",
    "Started reading the Gospel of John on their own.",
    "Asked about baptism.",
    "Moved to a new flat in {place}; same phone number.",
    "Very busy this month; we keep in touch by message.",
  ],
  sales: [
    "Waiting for the bank's answer on the financing.",
    "A neighbour is interested too; asked for our details.",
    "Prefers the installation after the summer.",
    "Sent the revised quote with a smaller inverter.",
    "Grid connection request submitted.",
    "Happy with the system; gave us a five-star review.",
  ],
};

/** Why a worker handed an offer back. */
export const DECLINES: readonly string[] = [
  "Too far for me, sorry.",
  "I'm full this month.",
  "Better someone who speaks their language.",
  "Travelling next week; please offer to someone else.",
  "I know the family; better someone else.",
];

/** Notes on progress steps, by step; steps not listed go without a note. */
export const PROGRESS_NOTES: Record<string, readonly string[]> = {
  attempted: ["Tried to reach {name}.", "First attempt by phone."],
  established: ["We talked properly for the first time.", "Contact made; {name} is glad someone called."],
  connected: ["Reached {name}; interested.", "First conversation went well."],
  scheduled: ["Meeting set for next week.", "We agreed to meet on Sunday afternoon."],
  qualified: ["Owner, roof suitable, budget confirmed.", "Qualified: owner with a good roof."],
  meeting_set: ["Site visit booked.", "Home visit set for Saturday."],
  met: ["Met in person.", "First meeting done in {place}."],
  ongoing: ["Meeting every week now.", "Regular meetings started."],
  coaching: [
    "{name} now leads a small group of their own.",
    "Started coaching {name} to share with friends.",
  ],
  won: ["Contract signed.", "Deal closed: installation ordered."],
};

/** Call attempts that reached nobody. */
export const NO_ANSWER: readonly string[] = [
  "No answer.",
  "No answer; left a voicemail.",
  "Phone switched off.",
  "Rang out; sent a WhatsApp message.",
];

export const DUPLICATE_NOTE = "Duplicate of an earlier form; kept the other record.";
