#include "RunRecorder.h"

#include "net/LineTransport.h"

#include <QLocale>

namespace {

/// "12,345": counts in marks stay readable, in any locale (the C locale, with group separators).
QString grouped(qint64 n)
{
    QLocale c = QLocale::c();
    c.setNumberOptions(QLocale::DefaultNumberOptions);
    return c.toString(n);
}

} // namespace

RunRecorder::RunRecorder(Run& run, const LineTransport& transport, QObject* parent)
    : QObject(parent)
    , m_run(run)
    , m_transport(transport)
{
}

QString RunRecorder::clipped(const QByteArray& bytes)
{
    if (bytes.size() <= MaxTranscriptText)
        return QString::fromUtf8(bytes);
    return QString::fromUtf8(bytes.left(MaxTranscriptText))
           + tr("… (%n more byte(s))", nullptr, int(bytes.size() - MaxTranscriptText));
}

QString RunRecorder::bounded(const QString& text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    ++m_run.truncation.textsClipped;
    return text.left(max) + tr("… [%1 more characters]").arg(grouped(text.size() - max));
}

QStringList RunRecorder::boundedList(const QStringList& list, int maxItems, qsizetype maxChars, int* omitted)
{
    QStringList out;
    const qsizetype kept = std::min<qsizetype>(list.size(), maxItems);
    out.reserve(kept);
    for (qsizetype i = 0; i < kept; ++i)
        out.append(bounded(list.at(i), maxChars));
    *omitted += int(list.size() - kept);
    return out;
}

void RunRecorder::note(const QString& text) { recordLine('I', text); }

void RunRecorder::recordLine(char dir, const QString& text)
{
    endReply();
    TranscriptEntry e;
    e.dir = dir;
    e.text = text;
    append(std::move(e));
}

void RunRecorder::recordServerLine(const QByteArray& line)
{
    if (++m_replyLines > RunLimits::TranscriptLinesPerReply) {
        ++m_pendingLines;
        m_pendingBytes += line.size();
        return;
    }
    TranscriptEntry e;
    e.dir = 'S';
    e.text = QString::fromUtf8(line);
    append(std::move(e));
}

void RunRecorder::endReply()
{
    m_replyLines = 0;
    if (m_pendingLines == 0)
        return;
    const int lines = m_pendingLines;
    const qint64 bytes = m_pendingBytes;
    m_pendingLines = 0;
    m_pendingBytes = 0;
    m_run.truncation.transcriptLinesOmitted += lines;
    m_run.truncation.transcriptBytesOmitted += bytes;
    TranscriptEntry e;
    e.dir = 'I';
    e.text = tr("… %n more line(s) of this reply (%1 bytes) not recorded: only the first %2 lines of a "
                "reply are kept",
                nullptr, lines)
                 .arg(grouped(bytes))
                 .arg(RunLimits::TranscriptLinesPerReply);
    e.truncated = true;
    e.bytes = bytes;
    e.lines = lines;
    append(std::move(e));
}

bool RunRecorder::collectDiscarded(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return false;
    if (m_discardedBytes == 0)
        m_discardedStep = currentStep();
    const qsizetype room = RunLimits::TranscriptTextChars - m_discardedPrefix.size();
    if (room > 0)
        m_discardedPrefix += bytes.left(room);
    m_discardedBytes += bytes.size();
    // A line split between two reads is one line: count line starts.
    m_discardedLines +=
        int(bytes.count('\n')) + (m_discardedEndsLine ? 1 : 0) - (bytes.endsWith('\n') ? 1 : 0);
    m_discardedEndsLine = bytes.endsWith('\n');
    return true;
}

const TranscriptEntry* RunRecorder::flushDiscarded()
{
    if (m_discardedBytes == 0)
        return nullptr;
    endReply();
    TranscriptEntry e;
    e.dir = 'S';
    e.discarded = true;
    // The exact bytes (line endings included) as far as they are kept; the counts say the rest.
    e.text = QString::fromUtf8(m_discardedPrefix);
    e.truncated = m_discardedBytes > m_discardedPrefix.size();
    e.bytes = m_discardedBytes;
    e.lines = m_discardedLines;
    if (e.truncated)
        ++m_run.truncation.textsClipped;
    const int step = m_discardedStep;
    m_discardedPrefix.clear();
    m_discardedBytes = 0;
    m_discardedLines = 0;
    m_discardedEndsLine = true;
    const qsizetype before = m_run.transcript.size();
    append(std::move(e), step);
    // Past the transcript cap it is only counted; the last entry is then the cap's note.
    return m_run.transcript.size() > before && m_run.transcript.last().discarded ? &m_run.transcript.last()
                                                                                 : nullptr;
}

void RunRecorder::append(TranscriptEntry e, int step)
{
    if (e.text.size() > RunLimits::TranscriptTextChars) {
        const qsizetype more = e.text.size() - RunLimits::TranscriptTextChars;
        e.text =
            e.text.left(RunLimits::TranscriptTextChars) + tr("… [%1 more characters]").arg(grouped(more));
        e.truncated = true;
        ++m_run.truncation.textsClipped;
    }
    const bool fits = m_run.transcript.size() < RunLimits::TranscriptEntries - 1
                      && m_transcriptChars + e.text.size() <= RunLimits::TranscriptChars;
    if (m_transcriptFull || !fits) {
        // Past the cap only counts are kept; one last note says so.
        ++m_run.truncation.transcriptLinesOmitted;
        m_run.truncation.transcriptBytesOmitted += e.bytes > 0 ? e.bytes : e.text.size();
        if (m_transcriptFull)
            return;
        m_transcriptFull = true;
        e = {};
        e.dir = 'I';
        e.text =
            tr("Transcript limit reached (%1 lines or %2 characters): later lines are counted, not recorded")
                .arg(RunLimits::TranscriptEntries)
                .arg(grouped(RunLimits::TranscriptChars));
        e.truncated = true;
    }
    if (step < 0 || step >= m_run.steps.size())
        step = currentStep();
    e.tMs = m_clock.isValid() ? now() : 0;
    e.tls = e.dir != 'I' && !e.discarded && m_transport.isEncrypted();
    e.stepIndex = step;
    e.step = step >= 0 ? m_run.steps.at(step).id : StepId::Resolve;
    m_transcriptChars += e.text.size();
    m_run.transcript.append(std::move(e));
    Q_EMIT transcriptAppended(int(m_run.transcript.size()) - 1);
}

void RunRecorder::addFinding(Finding finding)
{
    const int step = currentStep();
    if (step >= 0 && !finding.step)
        finding.step = m_run.steps.at(step).id;
    finding.detail = bounded(finding.detail, RunLimits::DetailChars);
    m_run.findings.append(std::move(finding));
    Q_EMIT findingAdded(int(m_run.findings.size()) - 1);
}

void RunRecorder::setCapabilities(bool tls, const QStringList& capabilities)
{
    (tls ? m_run.capabilitiesTls : m_run.capabilitiesPlain) =
        boundedList(capabilities, RunLimits::Capabilities, RunLimits::CapabilityChars,
                    &m_run.truncation.capabilitiesOmitted);
}

void RunRecorder::setTls(TlsFacts facts, QList<CertificateInfo> chain)
{
    constexpr qsizetype Chars = RunLimits::CertificateFieldChars;
    constexpr int Names = RunLimits::CertificateNames;
    int* omitted = &m_run.truncation.certificateNamesOmitted;
    facts.errors = boundedList(facts.errors, Names, Chars, omitted);
    for (CertificateInfo& c : chain) {
        c.subject = bounded(c.subject, Chars);
        c.issuer = bounded(c.issuer, Chars);
        c.commonName = bounded(c.commonName, Chars);
        c.matchedName = bounded(c.matchedName, Chars);
        c.sanDns = boundedList(c.sanDns, Names, Chars, omitted);
        c.sanIp = boundedList(c.sanIp, Names, Chars, omitted);
        c.errors = boundedList(c.errors, Names, Chars, omitted);
    }
    m_run.tls = std::move(facts);
    m_run.certificates = std::move(chain);
}

bool RunRecorder::admitAlert()
{
    if (m_alerts < RunLimits::Alerts) {
        ++m_alerts;
        return true;
    }
    ++m_run.truncation.alertsOmitted;
    return false;
}
