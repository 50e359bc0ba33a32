#include "ProgressLine.h"

#include "check/CheckRunner.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace {
/// The terminal's width, so that the line never wraps (a wrapped line cannot be rewritten).
int columns()
{
    winsize size {};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 10)
        return size.ws_col;
    return 80;
}
} // namespace

ProgressLine::ProgressLine(const CheckRunner* runner, QTextStream& err, QObject* parent)
    : QObject(parent)
    , m_runner(runner)
    , m_err(err)
{
    m_clock.start();
    connect(runner, &CheckRunner::stepStarted, this, &ProgressLine::render);
    connect(runner, &CheckRunner::sessionFinished, this, &ProgressLine::render);
    connect(runner, &CheckRunner::auditProgress, this, [this](int done, int total) {
        m_auditDone = done;
        m_auditTotal = total;
        render();
    });
    connect(runner, &CheckRunner::messageProgress, this, [this](qint64 sent, qint64 total) {
        // A chunk goes every 64 KiB: render only when the shown tenth of a megabyte changes.
        const bool changed = sent * 10 / (1024 * 1024) != m_messageSent * 10 / (1024 * 1024) || sent == total;
        m_messageSent = sent;
        m_messageTotal = total;
        if (changed)
            render();
    });
    // A slow server says nothing for seconds: the clock keeps moving so the run is seen alive.
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ProgressLine::render);
    m_tick.start();
}

ProgressLine::~ProgressLine() { clear(); }

bool ProgressLine::wanted() { return isatty(STDERR_FILENO) != 0; }

void ProgressLine::clear()
{
    m_tick.stop();
    if (!m_shown)
        return;
    m_shown = false;
    m_err << "\r\x1b[K";
    m_err.flush();
}

void ProgressLine::render()
{
    if (m_runner->isFinished()) {
        clear();
        return;
    }
    QStringList parts;
    const Run& run = m_runner->run();
    if (!m_runner->isSessionFinished() && !run.steps.isEmpty()) {
        // Step ids are the stable, untranslated names the report and --stop-after use.
        parts.append(tr("step %1 of %2: %3")
                         .arg(run.steps.size())
                         .arg(std::max(run.steps.size(), qsizetype(m_runner->plannedSteps().size())))
                         .arg(toKey(run.steps.constLast().id)));
    } else if (m_runner->isSessionFinished()) {
        parts.append(tr("conversation done"));
    }
    if (m_messageTotal > 0 && !m_runner->isSessionFinished()) {
        const double mib = 1024.0 * 1024.0;
        parts.append(tr("message %1 of %2 MiB sent")
                         .arg(double(m_messageSent) / mib, 0, 'f', 1)
                         .arg(double(m_messageTotal) / mib, 0, 'f', 1));
    }
    if (m_runner->audit())
        parts.append(tr("TLS audit %1 of %2 probes").arg(m_auditDone).arg(m_auditTotal));
    const qint64 seconds = m_clock.elapsed() / 1000;
    const int deadline = m_runner->options().deadlineMs;
    parts.append(deadline > 0 ? tr("%1 s of %2 s").arg(seconds).arg((deadline + 999) / 1000)
                              : tr("%1 s").arg(seconds));
    QString text = QStringLiteral("mailscope: ") + parts.join(QStringLiteral(" · "));
    const int width = columns() - 1;
    if (text.size() > width)
        text = text.left(width);
    m_err << '\r' << text << "\x1b[K";
    m_err.flush();
    m_shown = true;
}
