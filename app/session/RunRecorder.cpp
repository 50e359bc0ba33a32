#include "RunRecorder.h"

#include "net/LineTransport.h"

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

void RunRecorder::note(const QString& text) { recordLine('I', text); }

void RunRecorder::recordLine(char dir, const QString& text, bool discarded)
{
    const int step = currentStep();
    TranscriptEntry e;
    e.tMs = m_clock.isValid() ? now() : 0;
    e.dir = dir;
    e.tls = dir != 'I' && !discarded && m_transport.isEncrypted();
    e.stepIndex = step;
    e.step = step >= 0 ? m_run.steps.at(step).id : StepId::Resolve;
    e.text = text;
    e.discarded = discarded;
    m_run.transcript.append(e);
    Q_EMIT transcriptAppended(int(m_run.transcript.size()) - 1);
}

void RunRecorder::recordDiscarded(const QByteArray& bytes)
{
    const QList<QByteArray> lines = bytes.split('\n');
    for (QByteArray line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.isEmpty())
            recordLine('S', clipped(line), true);
    }
}

void RunRecorder::addFinding(Finding finding)
{
    const int step = currentStep();
    if (step >= 0 && !finding.step)
        finding.step = m_run.steps.at(step).id;
    m_run.findings.append(std::move(finding));
    Q_EMIT findingAdded(int(m_run.findings.size()) - 1);
}
