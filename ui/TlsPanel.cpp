#include "TlsPanel.h"

#include "HtmlStyle.h"
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
    refresh();
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
        html += QStringLiteral("<h2 style=\"color:%1\">%2&nbsp;%3</h2>").arg(colour(c), icon(iconName, 22), escape(text));
    };
    if (!m_run || !m_run->tls) {
        const bool plain = m_run && m_run->target.tls == TlsMode::None;
        const bool over = m_run && !m_run->steps.isEmpty() && m_run->durationMs > 0;
        if (plain || over) {
            headline(QStringLiteral("lock-open"), UiStyle::warning(pal),
                     plain ? tr("Not encrypted (TLS was not requested)") : tr("Not encrypted"));
            html += QStringLiteral("<p>%1</p>").arg(
                escape(tr("This conversation never switched to TLS: everything, including passwords, "
                          "would cross the network readable by anyone on the path.")));
        } else {
            html += QStringLiteral("<p class=\"muted\">%1</p>")
                        .arg(escape(tr("No TLS handshake yet. Its results appear here once the connection is encrypted.")));
        }
        m_browser->setHtml(html);
        return;
    }
    const TlsFacts& t = *m_run->tls;
    const bool trusted = t.verified && t.errors.isEmpty();
    headline(trusted ? QStringLiteral("lock-closed") : QStringLiteral("severity-critical"),
             trusted ? UiStyle::success(pal) : UiStyle::danger(pal),
             trusted ? tr("Encrypted with %1, certificate trusted").arg(t.protocol)
                     : tr("Encrypted with %1, but the certificate is NOT trusted").arg(t.protocol));

    html += QStringLiteral("<table>");
    html += row(tr("Protocol"), QStringLiteral("<b>%1</b>").arg(escape(t.protocol)));
    html += row(tr("Cipher"), QStringLiteral("<span class=\"mono\">%1</span>").arg(escape(t.cipher)));
    html += row(tr("Key exchange"), escape(t.keyExchange.isEmpty() ? tr("not reported") : t.keyExchange));
    html += row(tr("Ephemeral key"), escape(t.ephemeralKey.isEmpty() ? tr("not reported") : t.ephemeralKey));
    html += row(tr("OCSP stapling"), escape(!t.ocspStapled ? tr("not checked")
                                            : *t.ocspStapled ? tr("a stapled response was sent")
                                                             : tr("no stapled response")));
    if (!m_run->target.connectedAddress.isEmpty())
        html += row(tr("Server address"), escape(QStringLiteral("%1 port %2").arg(m_run->target.connectedAddress).arg(m_run->target.port)));
    html += QStringLiteral("</table>");

    html += QStringLiteral("<h3>%1</h3>").arg(escape(tr("Certificate verification")));
    if (trusted) {
        html += QStringLiteral("<p style=\"color:%1\">%2&nbsp;%3</p>")
                    .arg(colour(UiStyle::success(pal)), icon(QStringLiteral("status-ok")),
                         escape(tr("Trusted. The chain leads to a trusted root, every certificate is within its "
                                   "validity period, and the server certificate names %1.")
                                    .arg(m_run->target.host)));
    } else {
        html += QStringLiteral("<p style=\"color:%1\">%2&nbsp;%3</p><ul>")
                    .arg(colour(UiStyle::danger(pal)), icon(QStringLiteral("status-failed")),
                         escape(tr("Not trusted. A client that checks certificates would refuse this server:")));
        for (const QString& e : t.errors)
            html += QStringLiteral("<li>%1</li>").arg(escape(e));
        html += QStringLiteral("</ul>");
        html += QStringLiteral("<p>%1</p>").arg(
            escape(t.verificationOverridden
                       ? tr("You chose to continue anyway; the run went on and this is recorded in the report.")
                       : tr("Mailscope closed the connection without sending anything more (strict verification).")));
    }

    html += QStringLiteral("<h3>%1</h3>").arg(escape(tr("TLS versions the server accepts")));
    if (m_run->tlsVersions.isEmpty()) {
        html += QStringLiteral("<p class=\"muted\">%1</p>")
                    .arg(escape(tr("Not probed in this run. Only the negotiated version (%1) is known.").arg(t.protocol)));
    } else {
        html += QStringLiteral("<table class=\"grid\">");
        for (auto it = m_run->tlsVersions.cbegin(); it != m_run->tlsVersions.cend(); ++it) {
            const bool legacy = it.key() == QLatin1String("TLSv1.0") || it.key() == QLatin1String("TLSv1.1")
                                || it.key().startsWith(QLatin1String("SSL"));
            QString verdict = escape(it.value());
            QColor c = UiStyle::muted(pal);
            if (it.value() == QLatin1String("accepted"))
                c = legacy ? UiStyle::danger(pal) : UiStyle::success(pal);
            else if (it.value() == QLatin1String("rejected"))
                c = legacy ? UiStyle::success(pal) : UiStyle::warning(pal);
            html += row(it.key(), QStringLiteral("<span style=\"color:%1\"><b>%2</b></span>").arg(colour(c), verdict));
        }
        html += QStringLiteral("</table>");
    }
    if (!m_run->ciphers.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3><table>").arg(escape(tr("Accepted ciphers")));
        for (auto it = m_run->ciphers.cbegin(); it != m_run->ciphers.cend(); ++it)
            html += row(it.key(), QStringLiteral("<span class=\"mono\">%1</span>").arg(escape(it.value().join(QStringLiteral(", ")))));
        html += QStringLiteral("</table>");
    }
    m_browser->setHtml(html);
}
