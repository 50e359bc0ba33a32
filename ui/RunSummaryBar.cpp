#include "RunSummaryBar.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

RunSummaryBar::RunSummaryBar(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("runSummaryBar"));
    setAccessibleName(tr("Run summary"));
    setAutoFillBackground(true);
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(12);
    m_icon = new QWidget(this);
    m_icon->setFixedSize(36, 36);
    layout->addWidget(m_icon, 0, Qt::AlignVCenter);
    auto* texts = new QVBoxLayout;
    texts->setSpacing(2);
    m_headline = new QLabel(this);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setObjectName(QStringLiteral("summaryHeadline"));
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = m_headline->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    m_headline->setFont(font);
    m_detail = new QLabel(this);
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setObjectName(QStringLiteral("summaryDetail"));
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    texts->addWidget(m_headline);
    texts->addWidget(m_detail);
    layout->addLayout(texts, 1);
    m_rerun = new QPushButton(this);
    m_rerun->setObjectName(QStringLiteral("rerunSuggestedButton"));
    m_rerun->setVisible(false);
    connect(m_rerun, &QPushButton::clicked, this, &RunSummaryBar::rerunRequested);
    layout->addWidget(m_rerun, 0, Qt::AlignVCenter);
}

QString RunSummaryBar::rerunText(const RunTarget& target, const RunSuggestion& suggestion)
{
    const bool otherProtocol = suggestion.protocol != target.protocol;
    const bool otherTls = suggestion.tls != target.tls;
    const QString mode = suggestion.tls == TlsMode::Implicit ? tr("implicit TLS")
                         : suggestion.tls == TlsMode::StartTls
                             ? (suggestion.protocol == Protocol::Pop3 ? tr("STLS") : tr("STARTTLS"))
                             : tr("no TLS");
    if (otherProtocol && otherTls)
        return tr("Run again as %1 with %2").arg(displayName(suggestion.protocol), mode);
    if (otherProtocol)
        return tr("Run again as %1").arg(displayName(suggestion.protocol));
    return tr("Run again with %1").arg(mode);
}

QString RunSummaryBar::headline() const { return m_headline->text(); }

QString RunSummaryBar::detail() const { return m_detail->text(); }

void RunSummaryBar::set(const QIcon& icon, const QString& headline, const QString& detail,
                        const QColor& accent)
{
    m_rerun->setVisible(false); // only a finished run with a suggestion shows it (showFinished)
    m_currentIcon = icon;
    m_accent = accent;
    update();
    // Headlines quote server text (a step summary, a finding title): shown as plain text with
    // its control characters escaped, so neither markup nor a line break from a server takes effect.
    m_headline->setText(TerminalText::escaped(headline));
    m_detail->setText(TerminalText::escaped(detail));
    setAccessibleDescription(headline + QLatin1Char('\n') + detail);
    QPalette pal = palette();
    const QPalette app = parentWidget() ? parentWidget()->palette() : palette();
    pal.setColor(QPalette::Window, UiStyle::tint(accent, app, 0.10));
    pal.setColor(QPalette::WindowText, app.color(QPalette::Text));
    setPalette(pal);
    QPalette head = m_headline->palette();
    head.setColor(QPalette::WindowText, accent);
    m_headline->setPalette(head);
}

void RunSummaryBar::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    // Painted rather than set as a pixmap: QIcon renders the SVG at the screen's pixel ratio.
    QPainter painter(this);
    m_currentIcon.paint(&painter, m_icon->geometry());
}

QString RunSummaryBar::targetText(const Run& run)
{
    const RunTarget& t = run.target;
    const QString mode = t.tls == TlsMode::StartTls
                             ? (t.protocol == Protocol::Pop3 ? tr("STLS") : tr("STARTTLS"))
                         : t.tls == TlsMode::Implicit ? tr("implicit TLS")
                                                      : tr("no TLS");
    return tr("%1:%2 · %3 · %4").arg(t.host).arg(t.port).arg(displayName(t.protocol), mode);
}

void RunSummaryBar::showIdle(const QString& target)
{
    const QPalette pal = parentWidget() ? parentWidget()->palette() : palette();
    set(UiStyle::icon(QStringLiteral("mailscope")), tr("Ready to check %1").arg(target),
        tr("Press Run (Ctrl+R) to watch the conversation step by step. Turn on Step mode to pause before "
           "each step."),
        UiStyle::accent(pal));
}

void RunSummaryBar::showIdleDomain(const QString& domain)
{
    const QPalette pal = parentWidget() ? parentWidget()->palette() : palette();
    set(UiStyle::icon(QStringLiteral("mail-domain")), tr("Ready to check the mail domain %1").arg(domain),
        // As short as the other details: the bar does not wrap, and a longer line widens the window.
        tr("Press Run (Ctrl+R) to open the domain window: MX hosts, DNSSEC, DANE, MTA-STS and TLS-RPT."),
        UiStyle::accent(pal));
}

void RunSummaryBar::showRunning(const Run& run, const QString& currentStep)
{
    const QPalette pal = parentWidget() ? parentWidget()->palette() : palette();
    set(UiStyle::statusIcon(StepStatus::Running), tr("Checking %1…").arg(run.target.host),
        tr("%1 — now: %2").arg(targetText(run), currentStep), UiStyle::accent(pal));
}

void RunSummaryBar::showPaused(const Run& run, const QString& nextStep)
{
    const QPalette pal = parentWidget() ? parentWidget()->palette() : palette();
    set(UiStyle::pausedIcon(), tr("Paused before %1").arg(nextStep),
        tr("%1 — press Next step (F10) to run it, Esc to stop").arg(targetText(run)), UiStyle::accent(pal));
}

void RunSummaryBar::showFinished(const Run& run)
{
    const QPalette pal = parentWidget() ? parentWidget()->palette() : palette();
    const Verdict verdict = run.verdict();
    int critical = 0;
    int warnings = 0;
    const Finding* firstCritical = nullptr;
    const Finding* firstWarning = nullptr;
    for (const Finding& f : run.findings) {
        if (f.severity == Severity::Critical) {
            ++critical;
            if (!firstCritical)
                firstCritical = &f;
        } else if (f.severity == Severity::Warning) {
            ++warnings;
            if (!firstWarning)
                firstWarning = &f;
        }
    }
    QString headline;
    switch (verdict) {
    case Verdict::Ok:
        if (run.tls && !run.tls->protocol.isEmpty())
            headline = run.tls->verified
                           ? tr("Secure: encrypted with %1, certificate trusted").arg(run.tls->protocol)
                           : tr("Encrypted with %1").arg(run.tls->protocol);
        else
            headline = tr("No problems found");
        break;
    case Verdict::Warning:
        headline = firstWarning ? tr("Warning: %1").arg(firstWarning->title) : tr("Finished with warnings");
        break;
    case Verdict::Critical:
        headline = firstCritical ? tr("Critical: %1").arg(firstCritical->title) : tr("A step failed");
        if (!firstCritical) {
            for (const StepRecord& s : run.steps) {
                if (s.status == StepStatus::Failed) {
                    headline = tr("Failed: %1").arg(s.summary);
                    break;
                }
            }
        }
        break;
    case Verdict::Unknown:
        headline = tr("Stopped before the end");
        break;
    }
    QStringList facts {targetText(run), UiStyle::duration(run.durationMs)};
    if (critical + warnings == 0)
        facts.append(tr("no findings to act on"));
    else {
        if (critical)
            facts.append(tr("%1 critical").arg(critical));
        if (warnings)
            facts.append(warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings));
    }
    set(UiStyle::verdictIcon(verdict), headline, facts.join(QStringLiteral(" · ")),
        UiStyle::forVerdict(verdict, pal));
    if (run.suggestion) {
        m_rerun->setText(rerunText(run.target, *run.suggestion));
        m_rerun->setToolTip(run.suggestion->reason);
        m_rerun->setVisible(true);
    }
}
