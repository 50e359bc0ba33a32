#pragma once

#include "run/Run.h"

#include <QWidget>

class CertificateChainModel;
class QPushButton;
class QTextBrowser;
class QTreeView;

/**
 * The certificate chain as a tree (server certificate, its issuer, up to the root) and every
 * field of the selected certificate: names (the one that matched the host marked), validity with
 * days left coloured, fingerprints, key, and the trust errors that concern it. Exports PEM.
 */
class CertificatePanel final : public QWidget
{
    Q_OBJECT

public:
    explicit CertificatePanel(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CertificatePanel)

    void setRun(const Run* run);
    CertificateChainModel* model() const { return m_model; }
    QTreeView* tree() const { return m_tree; }
    QString detailText() const;
    /// Selects a certificate by its chain index (0 = server certificate).
    void selectCertificate(int chainIndex);

public Q_SLOTS:
    void onTlsChanged();
    void exportSelected();
    void exportChain();

private:
    void showDetails();
    const CertificateInfo* selected() const;
    int selectedChainIndex() const;

    CertificateChainModel* m_model = nullptr;
    QTreeView* m_tree = nullptr;
    QTextBrowser* m_details = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_exportChainButton = nullptr;
    const Run* m_run = nullptr;
};
