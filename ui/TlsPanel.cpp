#include "TlsPanel.h"

#include "HtmlStyle.h"
#include "TlsSuiteTable.h"
#include "UiStyle.h"

#include <QEvent>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace HtmlStyle;

TlsPanel::TlsPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("tlsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(QStringLiteral("tlsBrowser"));
    m_browser->setAccessibleName(tr("TLS details"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_browser->document()->setDocumentMargin(12);
    layout->addWidget(m_browser);
    refresh();
}

void TlsPanel::setRun(const Run* run)
{
    m_run = run;
    m_auditDone = 0;
    m_auditTotal = 0;
    refresh();
}

void TlsPanel::setAuditProgress(int done, int total)
{
    m_auditDone = done;
    m_auditTotal = total;
    refresh();
}

QString TlsPanel::auditHtml(const QString& negotiated) const
{
    const QPalette pal = palette();
    QString html;
    const TlsAuditInfo audit = m_run->tlsAudit.value_or(TlsAuditInfo());
    html += QStringLiteral("<h3>%1</h3>").arg(escape(tr("TLS versions the server accepts")));
    if (m_run->tlsVersions.isEmpty()) {
        if (m_auditTotal > 0) {
            html +=
                QStringLiteral("<p>%1&nbsp;%2</p>")
                    .arg(
                        icon(QStringLiteral("status-running")),
                        escape(tr("Auditing TLS: %1 of %2 probes done…").arg(m_auditDone).arg(m_auditTotal)));
        } else {
            html +=
                QStringLiteral("<p class=\"muted\">%1</p>")
                    .arg(escape(
                        negotiated.isEmpty()
                            ? tr("Not probed in this run. Turn on Run ▸ Audit TLS (Ctrl+T) to test every "
                                 "version.")
                            : tr("Not probed in this run. Only the negotiated version (%1) is known. Turn on "
                                 "Run ▸ Audit TLS (Ctrl+T) to test every version.")
                                  .arg(negotiated)));
        }
    } else {
        html += QStringLiteral("<table class=\"grid\" width=\"100%\">");
        html += QStringLiteral("<tr><td><b>%1</b></td><td><b>%2</b></td><td><b>%3</b></td></tr>")
                    .arg(escape(tr("Version")), escape(tr("Result")), escape(tr("Detail")));
        for (auto it = m_run->tlsVersions.cbegin(); it != m_run->tlsVersions.cend(); ++it) {
            const bool legacy = it.key() == QLatin1String("TLSv1.0") || it.key() == QLatin1String("TLSv1.1");
            // SSL 2.0 and 3.0 are broken (RFC 6176, RFC 7568): accepting one is critical.
            const bool broken = it.key().startsWith(QLatin1String("SSLv"));
            const QString& status = it.value();
            QString iconName = QStringLiteral("status-skipped");
            QColor c = UiStyle::muted(pal);
            QString label = status;
            QString detail = audit.versionDetails.value(it.key());
            if (status == QLatin1String("accepted") && broken) {
                iconName = QStringLiteral("severity-critical");
                c = UiStyle::danger(pal);
                label = tr("accepted (insecure)");
                if (!detail.isEmpty())
                    detail = tr("negotiated %1").arg(detail);
            } else if (status == QLatin1String("accepted")) {
                iconName = legacy ? QStringLiteral("severity-warning") : QStringLiteral("status-ok");
                c = legacy ? UiStyle::warning(pal) : UiStyle::success(pal);
                label = legacy ? tr("accepted (outdated)") : tr("accepted");
                if (!detail.isEmpty())
                    detail = tr("negotiated %1").arg(detail);
            } else if (status == QLatin1String("rejected")) {
                iconName = legacy || broken ? QStringLiteral("status-ok") : QStringLiteral("status-failed");
                c = legacy || broken ? UiStyle::success(pal) : UiStyle::warning(pal);
                label = tr("rejected");
            } else if (status == QLatin1String("unavailable-locally")) {
                label = tr("not testable here");
            } else if (status == QLatin1String("unknown")) {
                iconName = QStringLiteral("status-warning");
                c = UiStyle::warning(pal);
                label = tr("unknown (no TLS answer)");
            } else {
                iconName = QStringLiteral("status-warning");
                label = tr("probe failed");
            }
            html += QStringLiteral("<tr><td><b>%1</b></td><td style=\"color:%2\">%3&nbsp;<b>%4</b></td>"
                                   "<td class=\"muted\">%5</td></tr>")
                        .arg(escape(it.key()), colour(c), icon(iconName), escape(label), escape(detail));
        }
        html += QStringLiteral("</table>");
    }
    // Said plainly, before any list: what is shown is not the whole story (issue 11).
    if (!audit.untested.isEmpty()) {
        html += QStringLiteral("<p style=\"color:%1\">%2&nbsp;<b>%3</b> %4</p>")
                    .arg(colour(UiStyle::warning(pal)), icon(QStringLiteral("severity-warning")),
                         escape(tr("Incomplete:")),
                         escape(tr("the server did not answer every probe, so the lists below may miss "
                                   "versions or ciphers. Not tested: %1")
                                    .arg(audit.untested.join(QStringLiteral("; ")))));
    }
    html += TlsSuiteTable::html(*m_run, pal);
    if (!audit.commandInjection.isEmpty() || !audit.ocsp.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3><table>").arg(escape(tr("Other TLS probes")));
        if (!audit.commandInjection.isEmpty()) {
            const bool bad = audit.commandInjection == QLatin1String("vulnerable");
            const bool good = audit.commandInjection == QLatin1String("not-vulnerable");
            const QString text = bad    ? tr("VULNERABLE: the server ran a command injected before TLS")
                                 : good ? tr("not vulnerable: injected commands are discarded")
                                        : audit.commandInjection;
            html += row(tr("STARTTLS command injection"),
                        QStringLiteral(
                            "<span style=\"color:%1\">%2&nbsp;%3</span><br><span class=\"muted\">%4</span>")
                            .arg(colour(bad    ? UiStyle::danger(pal)
                                        : good ? UiStyle::success(pal)
                                               : UiStyle::muted(pal)),
                                 icon(bad    ? QStringLiteral("severity-critical")
                                      : good ? QStringLiteral("status-ok")
                                             : QStringLiteral("status-skipped")),
                                 escape(text), escape(audit.commandInjectionDetail)));
        }
        if (!audit.ocsp.isEmpty()) {
            const QString text =
                audit.ocsp == QLatin1String("good")
                    ? tr("Good (a stapled response says the certificate is valid)")
                : audit.ocsp == QLatin1String("revoked") ? tr("REVOKED (the stapled response says so)")
                : audit.ocsp == QLatin1String("none")    ? tr("none (the server staples no OCSP response)")
                                                         : audit.ocsp;
            html += row(tr("OCSP stapling"), escape(text));
        }
        html += QStringLiteral("</table>");
    }
    if (audit.probeCount > 0) {
        html += QStringLiteral("<p class=\"muted\">%1</p>")
                    .arg(escape((audit.probeCount == 1
                                     ? tr("1 probe connection, %1 ms.")
                                     : tr("%1 probe connections, %2 ms in all (at most 8 at a time).")
                                           .arg(audit.probeCount))
                                    .arg(audit.durationMs)));
    }
    return html;
}

QString TlsPanel::plainText() const { return m_browser->toPlainText(); }

void TlsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        refresh();
}

void TlsPanel::refresh()
{
    const QPalette pal = palette();
    m_browser->document()->setDefaultStyleSheet(HtmlStyle::styleSheet(pal));
    QString html;
    const auto headline = [&](const QString& iconName, const QColor& c, const QString& text) {
        html += QStringLiteral("<h2 style=\"color:%1\">%2&nbsp;%3</h2>")
                    .arg(colour(c), icon(iconName, 22), escape(text));
    };
    if (!m_run || !m_run->tls) {
        const bool plain = m_run && m_run->target.tls == TlsMode::None;
        const bool over = m_run && !m_run->steps.isEmpty() && m_run->durationMs > 0;
        if (plain || over) {
            headline(QStringLiteral("lock-open"), UiStyle::warning(pal),
                     plain ? tr("Not encrypted (TLS was not requested)") : tr("Not encrypted"));
            html += QStringLiteral("<p>%1</p>")
                        .arg(escape(
                            tr("This conversation never switched to TLS: everything, including passwords, "
                               "would cross the network readable by anyone on the path.")));
        } else {
            html +=
                QStringLiteral("<p class=\"muted\">%1</p>")
                    .arg(escape(tr(
                        "No TLS handshake yet. Its results appear here once the connection is encrypted.")));
        }
        if (m_run && (!m_run->tlsVersions.isEmpty() || m_run->tlsAudit || m_auditTotal > 0))
            html += auditHtml(QString());
        m_browser->setHtml(html);
        return;
    }
    const TlsFacts& t = *m_run->tls;
    const bool trusted = t.verified && t.errors.isEmpty();
    headline(trusted ? QStringLiteral("lock-closed") : QStringLiteral("severity-critical"),
             trusted ? UiStyle::success(pal) : UiStyle::danger(pal),
             trusted ? tr("Encrypted with %1, certificate trusted").arg(t.protocol)
                     : tr("Encrypted with %1, but the certificate is NOT trusted").arg(t.protocol));

    // An audited run shows its version matrix first: that is what the user asked for.
    const bool audited = !m_run->tlsVersions.isEmpty() || m_auditTotal > 0;
    if (audited)
        html += auditHtml(t.protocol);
    html += QStringLiteral("<h3>%1</h3>").arg(escape(tr("This connection")));
    html += QStringLiteral("<table>");
    html += row(tr("Protocol"), QStringLiteral("<b>%1</b>").arg(escape(t.protocol)));
    html += row(tr("Cipher"), QStringLiteral("<span class=\"mono\">%1</span>").arg(escape(t.cipher)));
    html += row(tr("Key exchange"), escape(t.keyExchange.isEmpty() ? tr("not reported") : t.keyExchange));
    html += row(tr("Ephemeral key"), escape(t.ephemeralKey.isEmpty() ? tr("not reported") : t.ephemeralKey));
    html += row(tr("OCSP stapling"), escape(!t.ocspStapled   ? tr("not checked")
                                            : *t.ocspStapled ? tr("a stapled response was sent")
                                                             : tr("no stapled response")));
    if (!m_run->target.connectedAddress.isEmpty())
        html += row(
            tr("Server address"),
            escape(QStringLiteral("%1 port %2").arg(m_run->target.connectedAddress).arg(m_run->target.port)));
    html += QStringLiteral("</table>");

    html += QStringLiteral("<h3>%1</h3>").arg(escape(tr("Certificate verification")));
    if (trusted) {
        html +=
            QStringLiteral("<p style=\"color:%1\">%2&nbsp;%3</p>")
                .arg(colour(UiStyle::success(pal)), icon(QStringLiteral("status-ok")),
                     escape(tr("Trusted. The chain leads to a trusted root, every certificate is within its "
                               "validity period, and the server certificate names %1.")
                                .arg(m_run->target.host)));
    } else {
        html +=
            QStringLiteral("<p style=\"color:%1\">%2&nbsp;%3</p><ul>")
                .arg(colour(UiStyle::danger(pal)), icon(QStringLiteral("status-failed")),
                     escape(tr("Not trusted. A client that checks certificates would refuse this server:")));
        for (const QString& e : t.errors)
            html += QStringLiteral("<li>%1</li>").arg(escape(e));
        html += QStringLiteral("</ul>");
        html +=
            QStringLiteral("<p>%1</p>")
                .arg(escape(
                    t.verificationOverridden ? tr(
                        "You chose to continue anyway; the run went on and this is recorded in the report.")
                                             : tr("Mailscope closed the connection without sending anything "
                                                  "more (strict verification).")));
    }

    if (!audited)
        html += auditHtml(t.protocol);
    m_browser->setHtml(html);
}
