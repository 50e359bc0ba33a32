#include "RunDialog.h"

#include "CertificatePanel.h"
#include "FindingsPanel.h"
#include "TlsPanel.h"
#include "TranscriptModel.h"
#include "TranscriptView.h"

#include <QDialogButtonBox>
#include <QTabWidget>
#include <QVBoxLayout>

RunDialog::RunDialog(Run run, const QString& title, QWidget* parent)
    : QDialog(parent)
    , m_run(std::move(run))
{
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    auto* tabs = new QTabWidget;
    auto* transcript = new TranscriptView;
    auto* model = new TranscriptModel(this);
    model->setRun(&m_run);
    transcript->setTranscriptModel(model);
    tabs->addTab(transcript, tr("Conversation"));
    auto* tls = new TlsPanel;
    tls->setRun(&m_run);
    tabs->addTab(tls, tr("TLS"));
    auto* certificates = new CertificatePanel;
    certificates->setRun(&m_run);
    tabs->addTab(certificates, tr("Certificates"));
    auto* findings = new FindingsPanel;
    findings->setRun(&m_run);
    findings->onFinished();
    tabs->addTab(findings, tr("Findings (%1)").arg(m_run.findings.size()));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(900, 600);
}
