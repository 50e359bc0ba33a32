#include "CertificatePanel.h"

#include "CertificateChainModel.h"
#include "HtmlStyle.h"
#include "run/OutputFile.h"
#include "UiStyle.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

using namespace HtmlStyle;

namespace {

/// "AB:CD:..." in lines of 16 bytes, so a fingerprint wraps cleanly.
QString fingerprint(const QString& hex)
{
    QString h = hex;
    h.remove(QLatin1Char(':'));
    QStringList bytes;
    for (int i = 0; i + 1 < h.size(); i += 2)
        bytes.append(h.mid(i, 2).toUpper());
    QStringList lines;
    for (int i = 0; i < bytes.size(); i += 16)
        lines.append(bytes.mid(i, 16).join(QLatin1Char(':')));
    return QStringLiteral("<span class=\"mono\">%1</span>").arg(lines.join(QStringLiteral("<br>")));
}

} // namespace

CertificatePanel::CertificatePanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("certificatePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("certificateSplitter"));
    splitter->setChildrenCollapsible(false);
    m_model = new CertificateChainModel(this);
    m_tree = new QTreeView(splitter);
    m_tree->setObjectName(QStringLiteral("certificateTree"));
    m_tree->setAccessibleName(tr("Certificate chain"));
    m_tree->setModel(m_model);
    m_tree->setHeaderHidden(true);
    m_tree->setIconSize(QSize(20, 20));
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_details = new QTextBrowser(splitter);
    m_details->setObjectName(QStringLiteral("certificateDetails"));
    m_details->setAccessibleName(tr("Certificate details"));
    m_details->setOpenExternalLinks(false);
    m_details->document()->setDocumentMargin(10);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setSizes({90, 400});
    layout->addWidget(splitter, 1);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(4, 0, 4, 4);
    m_exportButton =
        new QPushButton(UiStyle::icon(QStringLiteral("action-export")), tr("&Export PEM…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportPemButton"));
    m_exportButton->setToolTip(tr("Save the selected certificate as a PEM file"));
    m_exportChainButton = new QPushButton(tr("Export c&hain…"), this);
    m_exportChainButton->setToolTip(tr("Save the whole chain, server certificate first, as one PEM file"));
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_exportChainButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(m_exportButton, &QPushButton::clicked, this, &CertificatePanel::exportSelected);
    connect(m_exportChainButton, &QPushButton::clicked, this, &CertificatePanel::exportChain);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandAll();
        selectCertificate(0);
        showDetails();
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &CertificatePanel::showDetails);
    showDetails();
}

void CertificatePanel::setRun(const Run* run)
{
    m_run = run;
    m_model->setRun(run);
}

void CertificatePanel::onTlsChanged() { m_model->onTlsChanged(); }

QString CertificatePanel::detailText() const { return m_details->toPlainText(); }

void CertificatePanel::selectCertificate(int chainIndex)
{
    const QModelIndex index = m_model->indexForChain(chainIndex);
    if (index.isValid())
        m_tree->setCurrentIndex(index);
}

int CertificatePanel::selectedChainIndex() const
{
    const QModelIndex current = m_tree->currentIndex();
    return current.isValid() ? current.data(CertificateChainModel::ChainIndexRole).toInt() : -1;
}

const CertificateInfo* CertificatePanel::selected() const
{
    return m_model->certificate(m_tree->currentIndex());
}

void CertificatePanel::showDetails()
{
    const QPalette pal = palette();
    m_details->document()->setDefaultStyleSheet(HtmlStyle::styleSheet(pal));
    const CertificateInfo* c = selected();
    m_exportButton->setEnabled(c != nullptr);
    m_exportChainButton->setEnabled(m_model->chainLength() > 0);
    if (!c) {
        m_details->setHtml(
            QStringLiteral("<p class=\"muted\">%1</p>")
                .arg(escape(tr("No certificate yet. The server's certificate chain appears here after "
                               "the TLS handshake."))));
        return;
    }
    const int chainIndex = selectedChainIndex();
    const QString host = m_run ? m_run->target.host : QString();
    QString html;
    const QString name = c->commonName.isEmpty() ? c->subject : c->commonName;
    html += QStringLiteral("<h2>%1&nbsp;%2</h2>").arg(icon(QStringLiteral("certificate"), 22), escape(name));

    // Validity in words, coloured: the first thing an admin checks.
    QColor validityColour = UiStyle::success(pal);
    QString validity;
    const QString until = QLocale().toString(c->notAfter.toUTC(), QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    if (c->notBefore.isValid() && c->notBefore > QDateTime::currentDateTimeUtc()) {
        validityColour = UiStyle::danger(pal);
        validity =
            tr("Not valid yet: valid from %1")
                .arg(QLocale().toString(c->notBefore.toUTC(), QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
    } else if (c->daysLeft < 0) {
        validityColour = UiStyle::danger(pal);
        validity = (c->daysLeft == -1 ? tr("Expired yesterday (%1)")
                                      : tr("Expired %1 days ago (%2)").arg(-c->daysLeft))
                       .arg(until);
    } else if (c->daysLeft <= 30) {
        validityColour = UiStyle::warning(pal);
        validity =
            (c->daysLeft == 1 ? tr("Expires tomorrow (%1)") : tr("Expires in %1 days (%2)").arg(c->daysLeft))
                .arg(until);
    } else {
        validity = tr("Valid for %1 more days (until %2)").arg(c->daysLeft).arg(until);
    }
    html +=
        QStringLiteral("<p style=\"color:%1\"><b>%2</b></p>").arg(colour(validityColour), escape(validity));

    if (!c->errors.isEmpty()) {
        html += QStringLiteral("<table cellspacing=\"0\" width=\"100%\" "
                               "style=\"background-color:%1\"><tr><td style=\"padding:6px\">")
                    .arg(colour(UiStyle::tint(UiStyle::danger(pal), pal, 0.12)));
        html += QStringLiteral("<b style=\"color:%1\">%2&nbsp;%3</b><ul style=\"margin-top:2px\">")
                    .arg(colour(UiStyle::danger(pal)), icon(QStringLiteral("status-failed")),
                         escape(tr("Trust errors for this certificate")));
        for (const QString& e : c->errors)
            html += QStringLiteral("<li>%1</li>").arg(escape(e));
        html += QStringLiteral("</ul></td></tr></table>");
    }

    html += QStringLiteral("<table>");
    html += row(tr("Subject"), escape(c->subject));
    html +=
        row(tr("Issuer"), escape(c->issuer)
                              + (c->selfSigned ? QStringLiteral(" <i>(%1)</i>").arg(escape(tr("self-signed")))
                                               : QString()));
    QStringList names;
    bool matched = false;
    for (const QString& dns : c->sanDns) {
        const bool match = chainIndex == 0 && !matched && dns == c->matchedName;
        matched = matched || match;
        names.append(
            match ? QStringLiteral("<b style=\"color:%1\">%2 ✓ %3</b>")
                        .arg(colour(UiStyle::success(pal)), escape(dns), escape(tr("matches %1").arg(host)))
                  : escape(dns));
    }
    for (const QString& ip : c->sanIp) {
        const bool match = chainIndex == 0 && !matched && ip == c->matchedName;
        matched = matched || match;
        names.append(
            match ? QStringLiteral("<b style=\"color:%1\">%2 ✓ %3</b>")
                        .arg(colour(UiStyle::success(pal)), escape(ip), escape(tr("matches %1").arg(host)))
                  : escape(ip));
    }
    if (!names.isEmpty())
        html += row(tr("Names (SAN)"), names.join(QStringLiteral("<br>")));
    else
        html +=
            row(tr("Names (SAN)"), QStringLiteral("<span class=\"muted\">%1</span>").arg(escape(tr("none"))));
    if (chainIndex == 0 && !matched && !host.isEmpty())
        html += row(QString(),
                    QStringLiteral("<span style=\"color:%1\">%2</span>")
                        .arg(colour(UiStyle::danger(pal)), escape(tr("No name matches %1").arg(host))));
    const QString fmt = QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'");
    html += row(tr("Valid from"), escape(QLocale().toString(c->notBefore.toUTC(), fmt)));
    html += row(tr("Valid until"), escape(QLocale().toString(c->notAfter.toUTC(), fmt)));
    html += row(tr("Days left"), QStringLiteral("<span style=\"color:%1\"><b>%2</b></span>")
                                     .arg(colour(validityColour))
                                     .arg(c->daysLeft));
    html += row(tr("Key"), escape(c->keyBits > 0 ? tr("%1, %2 bits").arg(c->keyAlgorithm).arg(c->keyBits)
                                                 : c->keyAlgorithm));
    html += row(tr("Signature"),
                escape(c->signatureAlgorithm.isEmpty() ? tr("not reported") : c->signatureAlgorithm));
    html += row(tr("Serial"), QStringLiteral("<span class=\"mono\">%1</span>").arg(escape(c->serial)));
    html += row(tr("SHA-256"), fingerprint(c->sha256));
    html += row(tr("SHA-1"), fingerprint(c->sha1));
    html += QStringLiteral("</table>");
    m_details->setHtml(html);
}

void CertificatePanel::exportSelected()
{
    const CertificateInfo* c = selected();
    if (!c)
        return;
    QString base = (c->commonName.isEmpty() ? QStringLiteral("certificate") : c->commonName);
    base.replace(QLatin1Char('*'), QLatin1String("wildcard"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export certificate"), base + QStringLiteral(".pem"), tr("PEM certificate (*.pem *.crt)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!OutputFile::writeAll(path, c->pem.toUtf8(), &error))
        QMessageBox::warning(this, tr("Export certificate"), error);
}

void CertificatePanel::exportChain()
{
    if (!m_run || m_run->certificates.isEmpty())
        return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export certificate chain"), QStringLiteral("chain.pem"),
                                     tr("PEM certificates (*.pem *.crt)"));
    if (path.isEmpty())
        return;
    QByteArray pem;
    for (const CertificateInfo& c : m_run->certificates)
        pem += c.pem.toUtf8();
    QString error;
    if (!OutputFile::writeAll(path, pem, &error))
        QMessageBox::warning(this, tr("Export certificate chain"), error);
}
