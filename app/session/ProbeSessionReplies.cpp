// ProbeSession, part 3: every reply is matched to the command it answers.
//
// SMTP, IMAP and POP3 are lock-step: the client speaks, the server answers that, and only that
// (RFC 5321 s.4.3.2, RFC 9051 s.2.2.1, RFC 1939 s.3). A session that takes one reply for another
// falls out of step for good: after a second greeting inside TLS, EHLO "gets" the 220 (0
// extensions), QUIT gets EHLO's 250, and the run ends "OK". So:
//
//   command sent ──> Dialect::expectReply(what answers it) ──> lines fed until the reply is complete
//       Complete       the step handles it
//       OutOfSequence  a well-formed reply that cannot answer this command (220 to EHLO, another
//                      command's IMAP tag, "+ " where nothing continues): reply-out-of-sequence
//   client's turn (between steps, or before sending) and the server already spoke:
//       a line the protocol allows unasked (IMAP untagged data, SMTP 421) is left for the reply
//       to the next command; any other line is out of step: recorded as evidence, and the next
//       command is never sent
//
// Out of step, the connection is closed at once and nothing more is sent, not even QUIT: its
// reply could not be recognised either, and a server that is a reply ahead or behind may be in
// another state than the client thinks (after a stray 354 it would take "QUIT" as message text).

#include "findings/FindingCatalogue.h"
#include "ProbeSession.h"

namespace {
/// Unasked lines recorded as evidence before the connection is closed.
constexpr int MaxUnaskedLinesRecorded = 5;
} // namespace

void ProbeSession::sendCommand(const QByteArray& bytes, Dialect::Expect expect, const QByteArray& redacted)
{
    // The client's turn: whatever the server already sent cannot be the answer to this command.
    takeUnaskedData();
    if (failIfOutOfStep())
        return;
    QByteArray shown = redacted.isNull() || m_options.showSecrets ? bytes : redacted;
    while (shown.endsWith('\n') || shown.endsWith('\r'))
        shown.chop(1);
    m_lastCommand = QString::fromUtf8(shown);
    recordLine('C', m_lastCommand);
    m_dialect->expectReply(expect);
    m_wait = Wait::Reply;
    m_transport->write(bytes);
    if (m_transport->canReadLine() || m_transport->overflowed())
        QMetaObject::invokeMethod(this, &ProbeSession::onLinesAvailable, Qt::QueuedConnection);
}

void ProbeSession::onLinesAvailable()
{
    if (m_wait != Wait::Reply) {
        // Between steps: if the client speaks next, the server has no business talking now.
        if (m_wait == Wait::Nothing && clientSpeaksNext() && takeUnaskedData())
            continueOutOfStep();
        return;
    }
    if (m_transport->overflowed()) {
        // Said the same way whether or not its ending had arrived: past the limit it cannot matter.
        const QString problem =
            tr("A line longer than %1 bytes arrived").arg(LineTransport::DefaultMaxLineLength);
        addFinding(FindingCatalogue::make(FindingIds::ReplyTooLong, problem));
        dropConnection();
        failStep(tr("Reply too long: %1").arg(problem), false);
        return;
    }
    while (m_wait == Wait::Reply && m_transport->canReadLine()) {
        const QByteArray line = m_transport->readLine();
        m_recorder.recordServerLine(line);
        if (diagnoseForeignGreeting(line))
            return;
        switch (m_dialect->feed(line)) {
        case Dialect::Feed::NeedMore:
            continue;
        case Dialect::Feed::Complete:
            m_wait = Wait::Nothing;
            handleReply(m_dialect->takeReply());
            return; // later lines stay buffered: the next command checks them (takeUnaskedData)
        case Dialect::Feed::Malformed:
            addFinding(FindingCatalogue::make(FindingIds::ReplyMalformed, m_dialect->problem()));
            dropConnection();
            failStep(tr("Malformed reply: %1").arg(m_dialect->problem()), false);
            return;
        case Dialect::Feed::TooLong:
            addFinding(FindingCatalogue::make(FindingIds::ReplyTooLong, m_dialect->problem()));
            dropConnection();
            failStep(tr("Reply too long: %1").arg(m_dialect->problem()), false);
            return;
        case Dialect::Feed::OutOfSequence: {
            const QString detail =
                m_lastCommand.isEmpty()
                    ? tr("Before any command: %1").arg(m_dialect->problem())
                    : tr("In answer to \"%1\": %2").arg(m_lastCommand, m_dialect->problem());
            addFinding(FindingCatalogue::make(FindingIds::ReplyOutOfSequence, detail));
            dropConnection();
            failStep(tr("Out of step: %1").arg(m_dialect->problem()), false);
            return;
        }
        }
    }
}

bool ProbeSession::clientSpeaksNext() const
{
    if (!m_connected || m_finished || m_current < 0
        || m_run.steps.at(m_current).status == StepStatus::Running)
        return false;
    // The next step that will run: after a connect or a TLS handshake comes the server's greeting
    // (Banner), after a STARTTLS go-ahead the handshake (bytes there are response injection,
    // handled by ProbeSessionTls); every other step begins with a command.
    for (int i = m_planIndex + 1; i < m_plan.size(); ++i) {
        const StepId id = m_plan.at(i);
        if (m_skipReasons.contains(id))
            continue;
        return id != StepId::Banner && id != StepId::TlsHandshake && needsConnection(id);
    }
    return false;
}

bool ProbeSession::takeUnaskedData()
{
    if (!m_outOfStep.isEmpty())
        return true;
    QString evidence;
    if (m_transport->overflowed()) {
        evidence = tr("a line longer than %1 bytes").arg(LineTransport::DefaultMaxLineLength);
    } else if (!m_transport->canReadLine() || m_dialect->mayArriveUnasked(m_transport->peekLine())) {
        return false;
    }
    // Evidence: the first lines as they came (bounded), then nothing more is read.
    for (int n = 0; n < MaxUnaskedLinesRecorded && m_transport->canReadLine(); ++n) {
        const QByteArray line = m_transport->readLine();
        recordLine('S', clipped(line));
        if (evidence.isEmpty())
            evidence = clipped(line.left(200));
    }
    const QString where =
        m_lastCommand.isEmpty()
            ? tr("before the client's first command")
            : tr("after the reply to \"%1\", before the client spoke again").arg(m_lastCommand);
    m_outOfStep = tr("Sent unasked, %1: %2").arg(where, evidence);
    note(tr("The server spoke out of turn; closing the connection"));
    dropConnection();
    return true;
}

void ProbeSession::continueOutOfStep()
{
    // Between steps nothing is running to fail: the next step fails at once (failIfOutOfStep),
    // without waiting for "Next step" in step mode, since nothing the user could do helps.
    if (m_paused) {
        m_paused = false;
        ++m_planIndex;
        runStep(m_plan.at(m_planIndex));
    } else {
        scheduleAdvance();
    }
}

bool ProbeSession::failIfOutOfStep()
{
    if (m_outOfStep.isEmpty())
        return false;
    if (m_current < 0 || m_run.steps.at(m_current).status != StepStatus::Running)
        return false;
    addFinding(FindingCatalogue::make(FindingIds::ReplyOutOfSequence, m_outOfStep));
    m_outOfStep.clear();
    dropConnection();
    failStep(tr("Out of step: the server spoke before it was asked"), false);
    return true;
}
