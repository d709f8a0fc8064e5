<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>QObject</name>
    <message>
        <source>reset</source>
        <translation>réinitialiser</translation>
    </message>
    <message>
        <source>move in latent space</source>
        <translation>se déplacer dans l&apos;espace latent</translation>
    </message>
    <message>
        <source> probe</source>
        <translation> sonde</translation>
    </message>
    <message>
        <source> kNN</source>
        <translation> kNN</translation>
    </message>
    <message>
        <source>%1: recipe v%2: %3</source>
        <translation>%1 : recette v%2 : %3</translation>
    </message>
</context>
<context>
    <name>latent::studio::BatchReplayDialog</name>
    <message>
        <source>Batch of a training step</source>
        <translation>Lot d’une étape d’entraînement</translation>
    </message>
    <message>
        <source>Click a point of the loss curve.</source>
        <translation>Cliquez sur un point de la courbe de perte.</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Étape %1 de %2</translation>
    </message>
    <message>
        <source>Making the batch of step %1 again…</source>
        <translation>Reconstitution du lot de l’étape %1…</translation>
    </message>
    <message>
        <source>anchor %1</source>
        <translation>ancre %1</translation>
    </message>
    <message>
        <source>Step %1: %2 of %3 anchors, %4 views each</source>
        <translation>Étape %1 : %2 ancres sur %3, %4 vues chacune</translation>
    </message>
</context>
<context>
    <name>latent::studio::ClusterJobDialog</name>
    <message>
        <source>Export Cluster Job</source>
        <translation>Exporter un job de cluster</translation>
    </message>
    <message>
        <source>The run folder, on storage that every node sees under the same path (your home on most clusters)</source>
        <translation>Le dossier du run, sur un stockage que chaque nœud voit sous le même chemin (votre home sur la plupart des clusters)</translation>
    </message>
    <message>
        <source>the cluster&apos;s default</source>
        <translation>par défaut du cluster</translation>
    </message>
    <message>
        <source>latent-cli as the nodes find it (a name on their PATH or a path)</source>
        <translation>latent-cli tel que les nœuds le trouvent (un nom dans leur PATH ou un chemin)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Job Folder</source>
        <translation>Dossier du job</translation>
    </message>
    <message>
        <source>Job folder</source>
        <translation>Dossier du job</translation>
    </message>
    <message>
        <source>Run folder (shared)</source>
        <translation>Dossier du run (partagé)</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Nœuds</translation>
    </message>
    <message>
        <source>GPUs per node</source>
        <translation>GPU par nœud</translation>
    </message>
    <message>
        <source>CPU cores per rank</source>
        <translation>Cœurs CPU par rang</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Durée maximale</translation>
    </message>
    <message>
        <source>latent-cli on the nodes</source>
        <translation>latent-cli sur les nœuds</translation>
    </message>
</context>
<context>
    <name>latent::studio::ComposerPanel</name>
    <message>
        <source>uniform, or e.g. 0, 3, 7</source>
        <translation>uniforme, ou par ex. 0, 3, 7</translation>
    </message>
    <message>
        <source>Same-class images are positives (SupCon)</source>
        <translation>Les images de même classe sont positives (SupCon)</translation>
    </message>
    <message>
        <source>Gaussian neighbours</source>
        <translation>Voisins gaussiens</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Utiliser</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>α min</source>
        <translation>α min</translation>
    </message>
    <message>
        <source>α max</source>
        <translation>α max</translation>
    </message>
    <message>
        <source>α distribution</source>
        <translation>Distribution de α</translation>
    </message>
    <message>
        <source>Anchors</source>
        <translation>Ancres</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Truncation</source>
        <translation>Troncature</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <source>Latent views</source>
        <translation>Vues latentes</translation>
    </message>
    <message>
        <source>Views per anchor</source>
        <translation>Vues par ancre</translation>
    </message>
    <message>
        <source>Steered walks</source>
        <translation>Marches dirigées</translation>
    </message>
    <message>
        <source>Pixel augmentations</source>
        <translation>Augmentations de pixels</translation>
    </message>
    <message>
        <source>Resized crop p</source>
        <translation>Recadrage redimensionné p</translation>
    </message>
    <message>
        <source>  area scale</source>
        <translation>  part de la surface</translation>
    </message>
    <message>
        <source>  aspect ratio</source>
        <translation>  rapport largeur/hauteur</translation>
    </message>
    <message>
        <source>Horizontal flip p</source>
        <translation>Miroir horizontal p</translation>
    </message>
    <message>
        <source>Colour jitter p</source>
        <translation>Variation de couleur p</translation>
    </message>
    <message>
        <source>  brightness</source>
        <translation>  luminosité</translation>
    </message>
    <message>
        <source>  contrast</source>
        <translation>  contraste</translation>
    </message>
    <message>
        <source>  saturation</source>
        <translation>  saturation</translation>
    </message>
    <message>
        <source>  hue</source>
        <translation>  teinte</translation>
    </message>
    <message>
        <source>Grayscale p</source>
        <translation>Niveaux de gris p</translation>
    </message>
    <message>
        <source>Gaussian blur p</source>
        <translation>Flou gaussien p</translation>
    </message>
    <message>
        <source>  sigma</source>
        <translation>  sigma</translation>
    </message>
    <message>
        <source>anchors </source>
        <translation>ancres </translation>
    </message>
    <message>
        <source>views </source>
        <translation>vues </translation>
    </message>
    <message>
        <source>Latent + pixel</source>
        <translation>Latent + pixels</translation>
    </message>
    <message>
        <source>Latent only</source>
        <translation>Latent seul</translation>
    </message>
    <message>
        <source>Pixel only</source>
        <translation>Pixels seuls</translation>
    </message>
    <message>
        <source>Resample</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Recipe %1 was made with %2 (SHA-256 %3), but the loaded generator %4 has SHA-256 %5. Views may differ from the ones the recipe was made with.</source>
        <translation>La recette %1 a été faite avec %2 (SHA-256 %3), mais le générateur chargé %4 a le SHA-256 %5. Les vues peuvent différer de celles avec lesquelles la recette a été faite.</translation>
    </message>
    <message>
        <source>Positives are nearly copies: views may be too easy.</source>
        <translation>Les positifs sont presque des copies : les vues sont peut-être trop faciles.</translation>
    </message>
    <message>
        <source>Positives look as different as negatives: views may break identity.</source>
        <translation>Les positifs sont aussi différents que les négatifs : les vues cassent peut-être l&apos;identité.</translation>
    </message>
    <message>
        <source>Positives: pixel RMS %1, cosine %2 · Negatives: pixel RMS %3, cosine %4 (first column: anchors; cosine under a fixed random encoder). %5</source>
        <translation>Positifs : RMS pixels %1, cosinus %2 · Négatifs : RMS pixels %3, cosinus %4 (première colonne : ancres ; cosinus avec un encodeur aléatoire fixe). %5</translation>
    </message>
    <message>
        <source>Apply to the Running Training</source>
        <translation>Appliquer à l’entraînement en cours</translation>
    </message>
    <message>
        <source>The run in the Train tab trains on this recipe from its next step; the change is recorded in its run folder and marked on its curves.</source>
        <translation>L’exécution de l’onglet Entraîner utilise cette recette dès son étape suivante ; le changement est consigné dans son dossier et marqué sur ses courbes.</translation>
    </message>
    <message>
        <source>Diffusion sampler</source>
        <translation>Échantillonneur de diffusion</translation>
    </message>
    <message>
        <source>How the diffusion generator turns each latent (its starting noise) into an image; saved in the recipe, so training and exports sample the same way</source>
        <translation>Comment le générateur de diffusion transforme chaque latent (son bruit de départ) en image ; enregistré dans la recette, pour que l’entraînement et les exports échantillonnent de la même façon</translation>
    </message>
    <message>
        <source>DDIM steps</source>
        <translation>Étapes DDIM</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidage</translation>
    </message>
    <message>
        <source>Eta</source>
        <translation>Eta</translation>
    </message>
    <message>
        <source>Re-noise and denoise each view (SDEdit): its image is noised to this level and denoised again with a noise of its own; 0: off</source>
        <translation>Rebruiter puis débruiter chaque vue (SDEdit) : son image est bruitée jusqu’à ce niveau puis débruitée avec un bruit propre ; 0 : désactivé</translation>
    </message>
    <message>
        <source>Re-noise views</source>
        <translation>Rebruiter les vues</translation>
    </message>
    <message>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>New anchors that replace the oldest of the pool at every training step; 0: a fixed pool</source>
        <translation>Nouvelles ancres qui remplacent les plus anciennes de la réserve à chaque pas d&apos;entraînement ; 0 : une réserve fixe</translation>
    </message>
    <message>
        <source>Training pool</source>
        <translation>Réserve d&apos;entraînement</translation>
    </message>
    <message>
        <source>  new per step</source>
        <translation>  nouvelles par pas</translation>
    </message>
    <message>
        <source>Keep the latent&apos;s variance</source>
        <translation>Conserver la variance du latent</translation>
    </message>
    <message>
        <source>z&apos; = sqrt(1 - sigma²) z + sigma n instead of z + sigma n (sigma at most 1): the view&apos;s latent keeps the anchors&apos; distribution, as a diffusion model&apos;s starting noise must</source>
        <translation>z&apos; = sqrt(1 - sigma²) z + sigma n au lieu de z + sigma n (sigma au plus 1) : le latent de la vue garde la distribution des ancres, comme le doit le bruit de départ d&apos;un modèle de diffusion</translation>
    </message>
    <message>
        <source>Rendering %1 anchors and %2 views of each…</source>
        <translation>Rendu de %1 ancres et de %2 vues de chacune…</translation>
    </message>
    <message>
        <source>%1 steps → %2, the model&apos;s timesteps</source>
        <translation>%1 étapes → %2, les pas de temps du modèle</translation>
    </message>
    <message>
        <source>guidance %1 → 1, the model has no null class</source>
        <translation>guidage %1 → 1, le modèle n’a pas de classe nulle</translation>
    </message>
    <message>
        <source>The recipe&apos;s sampler was adjusted to this model: %1.</source>
        <translation>L’échantillonneur de la recette a été adapté à ce modèle : %1.</translation>
    </message>
    <message>
        <source>; </source>
        <translation> ; </translation>
    </message>
    <message>
        <source>Diagnostics compare views of one anchor and views of others: show at least 2 anchors and 2 views.</source>
        <translation>Les diagnostics comparent les vues d’une ancre à celles des autres : affichez au moins 2 ancres et 2 vues.</translation>
    </message>
    <message>
        <source>Training draws its anchors from a pool of this many, each rendered once while it stays in the pool, instead of fresh anchors every step: for slow samplers (diffusion) with pixel-only or re-noised views. Gaussian and steered views are sampled from latents of their own, so with them the pool saves nothing; off: fresh anchors</source>
        <translation>L&apos;entraînement tire ses ancres d&apos;une réserve de cette taille, chacune générée une seule fois tant qu&apos;elle reste dans la réserve, au lieu de nouvelles ancres à chaque pas : pour les échantillonneurs lents (diffusion) avec des vues pixel seules ou re-bruitées. Les vues gaussiennes et dirigées sont générées depuis leurs propres latents : avec elles, la réserve n&apos;économise rien ; désactivé : nouvelles ancres</translation>
    </message>
    <message>
        <source>How fast the preview was made at these settings: what the sampler costs per image (training samples each view the same way)</source>
        <translation>La vitesse de l&apos;aperçu avec ces réglages : ce que coûte l&apos;échantillonneur par image (l&apos;entraînement génère chaque vue de la même façon)</translation>
    </message>
    <message>
        <source>Preview: %1 images sampled in %2 s: %3 images/s</source>
        <translation>Aperçu : %1 images générées en %2 s : %3 images/s</translation>
    </message>
    <message>
        <source>Same-class positives (rows 1-2, 3-4, … share a class; negatives are other classes): pixel RMS %1, cosine %2.</source>
        <translation>Positifs de même classe (les lignes 1-2, 3-4, … partagent une classe ; les négatifs sont les autres classes) : RMS pixel %1, cosinus %2.</translation>
    </message>
</context>
<context>
    <name>latent::studio::DatasetPicker</name>
    <message>
        <source>Folder…</source>
        <translation>Dossier…</translation>
    </message>
    <message>
        <source>Skip unreadable images</source>
        <translation>Ignorer les images illisibles</translation>
    </message>
    <message>
        <source>Leave images that cannot be decoded out (they are listed) instead of refusing the dataset</source>
        <translation>Écarter les images impossibles à décoder (elles sont listées) au lieu de refuser le jeu de données</translation>
    </message>
    <message>
        <source>Real dataset folder</source>
        <translation>Dossier du jeu de données réel</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lecture de %1…</translation>
    </message>
    <message>
        <source>%1 train · %2 test images</source>
        <translation>%1 images d&apos;entraînement · %2 de test</translation>
    </message>
    <message>
        <source> · %1 val</source>
        <translation> · %1 de validation</translation>
    </message>
    <message>
        <source> · %1 classes</source>
        <translation> · %1 classes</translation>
    </message>
    <message>
        <source> · unlabelled</source>
        <translation> · sans classes</translation>
    </message>
    <message>
        <source> · %1, %2 to %3 px</source>
        <translation> · %1, %2 à %3 px</translation>
    </message>
    <message>
        <source>RGB</source>
        <translation>RVB</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>niveaux de gris</translation>
    </message>
    <message>
        <source> · unreadable files skipped: %1</source>
        <translation> · fichiers illisibles ignorés : %1</translation>
    </message>
    <message>
        <source>Rows, top to bottom: %1</source>
        <translation>Lignes de haut en bas : %1</translation>
    </message>
    <message>
        <source>Reading %1: %2 / %3 images · ETA %4</source>
        <translation>Lecture de %1 : %2 / %3 images · reste %4</translation>
    </message>
    <message>
        <source>fashion-mnist, a folder with one subfolder per class (optionally under train/ val/ test/), CIFAR-10/100 batches (binary or Python) or IDX files; drop a folder here</source>
        <translation>fashion-mnist, un dossier avec un sous-dossier par classe (éventuellement sous train/ val/ test/), des lots CIFAR-10/100 (binaires ou Python) ou des fichiers IDX ; déposez un dossier ici</translation>
    </message>
    <message>
        <source>The dataset of the run in the Train tab (not read again here).</source>
        <translation>Le jeu de données de l’exécution de l’onglet Entraîner (pas relu ici).</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExperimentBox</name>
    <message>
        <source>Experiment: the paper&apos;s comparison</source>
        <translation>Expérience : la comparaison de l&apos;article</translation>
    </message>
    <message>
        <source>Run &amp;experiment</source>
        <translation>Lancer l&apos;&amp;expérience</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Open results</source>
        <translation>Ouvrir les résultats</translation>
    </message>
    <message>
        <source> seed(s)</source>
        <translation> graine(s)</translation>
    </message>
    <message>
        <source>The same encoder and budget on real Fashion-MNIST and on generated views (pixel-only, Gaussian sigma sweep, steered walks, Gaussian + steered, SupCon, neighbour pool), with the floors; writes results.md and two figures. Run it again on the same folder to resume.</source>
        <translation>Le même encodeur et le même budget sur Fashion-MNIST réel et sur des vues générées (pixels seuls, balayage du sigma gaussien, marches dirigées, gaussien + dirigé, SupCon, groupe de voisins), avec les planchers ; écrit results.md et deux figures. Relancez-la sur le même dossier pour reprendre.</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Experiment folder</source>
        <translation>Dossier de l&apos;expérience</translation>
    </message>
    <message>
        <source>Load a generator first (File &gt; Open Generator).</source>
        <translation>Chargez d&apos;abord un générateur (Fichier &gt; Ouvrir un générateur).</translation>
    </message>
    <message>
        <source>run %1 of %2 (%3) · step %4 · experiment ETA %5</source>
        <translation>exécution %1 sur %2 (%3) · pas %4 · reste de l&apos;expérience %5</translation>
    </message>
    <message>
        <source>Starting (learning the steering walks first if the folder has none)…</source>
        <translation>Démarrage (apprentissage des marches dirigées d&apos;abord si le dossier n&apos;en a pas)…</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Terminé : %1</translation>
    </message>
    <message>
        <source>min per run</source>
        <translation>min par exécution</translation>
    </message>
    <message>
        <source>steps per run</source>
        <translation>pas par exécution</translation>
    </message>
    <message>
        <source>A time budget is what the paper compares; a step budget does not depend on the machine&apos;s speed or load.</source>
        <translation>L&apos;article compare à budget de temps égal ; un budget en pas ne dépend ni de la vitesse ni de la charge de la machine.</translation>
    </message>
    <message>
        <source>The encoder every run trains; the rows differ only in their data</source>
        <translation>L&apos;encodeur que chaque entraînement utilise ; les lignes ne diffèrent que par leurs données</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encodeur</translation>
    </message>
    <message>
        <source>real data + pixel augmentations (SimCLR)</source>
        <translation>données réelles + augmentations de pixels (SimCLR)</translation>
    </message>
    <message>
        <source>generated images, pixel augmentations only</source>
        <translation>images générées, augmentations de pixels seules</translation>
    </message>
    <message>
        <source>Gaussian views in latent space, one row per sigma of the sweep</source>
        <translation>vues gaussiennes dans l’espace latent, une ligne par sigma du balayage</translation>
    </message>
    <message>
        <source>learned steering walks (zoom, shifts, colour)</source>
        <translation>marches de pilotage apprises (zoom, décalages, couleur)</translation>
    </message>
    <message>
        <source>Gaussian + steered views</source>
        <translation>vues gaussiennes + pilotées</translation>
    </message>
    <message>
        <source>SupCon: the generator&apos;s classes as positives</source>
        <translation>SupCon : les classes du générateur comme positifs</translation>
    </message>
    <message>
        <source>a pool of 4 neighbours per anchor</source>
        <translation>un groupe de 4 voisins par ancre</translation>
    </message>
    <message>
        <source>re-noised views (diffusion generators): noise an anchor to a strength, denoise it again</source>
        <translation>vues rebruitées (générateurs de diffusion) : bruiter une ancre jusqu’à une intensité, puis la débruiter</translation>
    </message>
    <message>
        <source>Row c&apos;s sigmas, comma-separated (each its own row)</source>
        <translation>Les sigmas de la ligne c, séparés par des virgules (chacun sa ligne)</translation>
    </message>
    <message>
        <source>chosen on validation</source>
        <translation>choisi sur la validation</translation>
    </message>
    <message>
        <source>The sigma of rows e, f and g; at 0, row c&apos;s sigma with the best mean validation probe (row c must then be in the table)</source>
        <translation>Le sigma des lignes e, f et g ; à 0, le sigma de la ligne c à la meilleure sonde de validation moyenne (la ligne c doit alors être dans le tableau)</translation>
    </message>
    <message>
        <source>fresh anchors</source>
        <translation>ancres nouvelles</translation>
    </message>
    <message>
        <source>Generated rows draw their anchors from a pool of this many, for slow samplers; 0: fresh anchors every step</source>
        <translation>Les lignes générées tirent leurs ancres d’une réserve de cette taille, pour les échantillonneurs lents ; 0 : de nouvelles ancres à chaque pas</translation>
    </message>
    <message>
        <source>New anchors in the pool per step</source>
        <translation>Nouvelles ancres dans la réserve par pas</translation>
    </message>
    <message>
        <source>Row r: the noise level each view is re-noised to, in (0, 1]</source>
        <translation>Ligne r : le niveau de bruit auquel chaque vue est rebruitée, dans (0, 1]</translation>
    </message>
    <message>
        <source>Sigmas (c)</source>
        <translation>Sigmas (c)</translation>
    </message>
    <message>
        <source>Sigma (e–g)</source>
        <translation>Sigma (e–g)</translation>
    </message>
    <message>
        <source>Anchor pool</source>
        <translation>Réserve d’ancres</translation>
    </message>
    <message>
        <source>new per step</source>
        <translation>nouvelles par pas</translation>
    </message>
    <message>
        <source>Re-noise (r)</source>
        <translation>Rebruitage (r)</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Lignes</translation>
    </message>
    <message>
        <source>Rows: none chosen; tick at least one of a to g (or r)</source>
        <translation>Lignes : aucune choisie ; cochez au moins une ligne de a à g (ou r)</translation>
    </message>
    <message>
        <source>Sigmas (c): &quot;%1&quot; is not a sigma; expected numbers above 0 and at most 10, separated by commas</source>
        <translation>Sigmas (c) : « %1 » n’est pas un sigma ; attendu : des nombres supérieurs à 0 et au plus 10, séparés par des virgules</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Arrêt après le pas en cours…</translation>
    </message>
    <message>
        <source>The forward pass&apos;s type in every run. auto takes bf16 where the device has native bfloat16 and fp32 on other CPUs, so a table resumed on another machine can change precision; fp32 pins it</source>
        <translation>Le type de la passe avant dans chaque entraînement. auto prend bf16 là où l&apos;appareil a le bfloat16 natif et fp32 sur les autres processeurs : une table reprise sur une autre machine peut changer de précision ; fp32 la fixe</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Précision</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExplorerPanel</name>
    <message>
        <source>SeFa (closed form)</source>
        <translation>SeFa (forme close)</translation>
    </message>
    <message>
        <source>PCA (GANSpace)</source>
        <translation>ACP (GANSpace)</translation>
    </message>
    <message>
        <source>Steering walks (learned)</source>
        <translation>Marches dirigées (apprises)</translation>
    </message>
    <message>
        <source>Random orthonormal</source>
        <translation>Orthonormée aléatoire</translation>
    </message>
    <message>
        <source>default: the method&apos;s name</source>
        <translation>par défaut : le nom de la méthode</translation>
    </message>
    <message>
        <source>&amp;Find directions</source>
        <translation>&amp;Trouver des directions</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Find directions</source>
        <translation>Trouver des directions</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Set name</source>
        <translation>Nom de l&apos;ensemble</translation>
    </message>
    <message>
        <source>Directions</source>
        <translation>Directions</translation>
    </message>
    <message>
        <source>SeFa weight</source>
        <translation>Poids SeFa</translation>
    </message>
    <message>
        <source>PCA samples</source>
        <translation>Échantillons ACP</translation>
    </message>
    <message>
        <source>Walk steps</source>
        <translation>Pas de marche</translation>
    </message>
    <message>
        <source>Walks</source>
        <translation>Marches</translation>
    </message>
    <message>
        <source>Direction set</source>
        <translation>Ensemble de directions</translation>
    </message>
    <message>
        <source>Anchor seed</source>
        <translation>Graine de l&apos;ancre</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Réinitialiser</translation>
    </message>
    <message>
        <source>Copy latent</source>
        <translation>Copier le latent</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>Enregistrer l&apos;image…</translation>
    </message>
    <message>
        <source>Latent &amp;pad</source>
        <translation>&amp;Pavé latent</translation>
    </message>
    <message>
        <source>Drag a point along two directions at once</source>
        <translation>Faire glisser un point selon deux directions à la fois</translation>
    </message>
    <message>
        <source>The pad point (centre) and its neighbours a quarter of the range away</source>
        <translation>Le point du pavé (au centre) et ses voisins à un quart de l&apos;étendue</translation>
    </message>
    <message>
        <source>Pad x</source>
        <translation>Pavé x</translation>
    </message>
    <message>
        <source>Pad y</source>
        <translation>Pavé y</translation>
    </message>
    <message>
        <source>Latent pad</source>
        <translation>Pavé latent</translation>
    </message>
    <message>
        <source>Find or pick a direction set to see each direction as a strip</source>
        <translation>Trouvez ou choisissez un ensemble de directions pour voir chaque direction en bande</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>non conditionnel</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatique</translation>
    </message>
    <message>
        <source>score %1</source>
        <translation>score %1</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Calcul en cours…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Found %1 %2 directions</source>
        <translation>%1 directions %2 trouvées</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>Enregistrer l&apos;image</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>Could not save the image</source>
        <translation>Impossible d&apos;enregistrer l&apos;image</translation>
    </message>
    <message>
        <source>Not for a diffusion model: SeFa factorises the first linear layer that takes a GAN&apos;s latent, and the starting noise x_T goes through no such layer</source>
        <translation>Pas pour un modèle de diffusion : SeFa factorise la première couche linéaire qui reçoit le latent d&apos;un GAN, et le bruit de départ x_T ne traverse aucune couche de ce type</translation>
    </message>
    <message>
        <source>This generator has no linear layer or transposed convolution that takes its %1-dimensional latent, so there is nothing for SeFa to factorise</source>
        <translation>Ce générateur n&apos;a ni couche linéaire ni convolution transposée qui reçoive son latent de dimension %1 : SeFa n&apos;a donc rien à factoriser</translation>
    </message>
    <message>
        <source>The latent has %1 values; SeFa factorises a latent x latent matrix, at most %2 x %2 here</source>
        <translation>Le latent a %1 valeurs ; SeFa factorise une matrice latent x latent, ici au plus %2 x %2</translation>
    </message>
    <message>
        <source>Could not draw the image: %1</source>
        <translation>Impossible de dessiner l’image : %1</translation>
    </message>
    <message>
        <source>Could not draw the direction strips: %1</source>
        <translation>Impossible de dessiner les bandes de directions : %1</translation>
    </message>
    <message>
        <source>Walk sampler steps</source>
        <translation>Pas d&apos;échantillonneur du chemin</translation>
    </message>
    <message>
        <source>DDIM steps of the sampler a walk is learned through: each step of learning runs the sampler forward and backward, so its time and memory grow with them. The walk then moves the images of any step count (with eta 0, x_T to image is one ODE)</source>
        <translation>Pas DDIM de l&apos;échantillonneur à travers lequel un chemin est appris : chaque pas d&apos;apprentissage parcourt l&apos;échantillonneur en avant et en arrière, temps et mémoire croissent donc avec eux. Le chemin déplace ensuite les images de tout nombre de pas (avec eta 0, de x_T à l&apos;image, c&apos;est une seule EDO)</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExportDatasetDialog</name>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Export Dataset</source>
        <translation>Exporter un jeu de données</translation>
    </message>
    <message>
        <source>PNG, a folder per class</source>
        <translation>PNG, un dossier par classe</translation>
    </message>
    <message>
        <source>NumPy arrays (.npy), one per chunk</source>
        <translation>Tableaux NumPy (.npy), un par bloc</translation>
    </message>
    <message>
        <source>Anchors generated together. Chunk c is the batch a training run of this seed and batch size sees at step c.</source>
        <translation>Ancres générées ensemble. Le bloc c est le lot qu’un entraînement de cette graine et de cette taille de lot voit à l’étape c.</translation>
    </message>
    <message>
        <source>A new or empty folder, or the folder of a stopped export to continue it</source>
        <translation>Un dossier nouveau ou vide, ou le dossier d’un export arrêté pour le poursuivre</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>Dossier d’export</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>Recette</translation>
    </message>
    <message>
        <source>Anchors</source>
        <translation>Ancres</translation>
    </message>
    <message>
        <source>Views per anchor</source>
        <translation>Vues par ancre</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Anchors per chunk</source>
        <translation>Ancres par bloc</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Stopping after the chunk in hand…</source>
        <translation>Arrêt après le bloc en cours…</translation>
    </message>
    <message>
        <source>Writes each image once with a manifest row (anchor, view, class, file); any image can be regenerated from its row.</source>
        <translation>Écrit chaque image une fois avec une ligne de manifeste (ancre, vue, classe, fichier) ; toute image peut être régénérée à partir de sa ligne.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <source>%1 of %2 images, %3 images/s, %4 left</source>
        <translation>%1 images sur %2, %3 images/s, reste %4</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Échec de l’export : %1</translation>
    </message>
    <message>
        <source>Export complete: %1 images in %2 (manifest.jsonl lists them).</source>
        <translation>Export terminé : %1 images dans %2 (listées dans manifest.jsonl).</translation>
    </message>
    <message>
        <source>Stopped at %1 of %2 images. Export again with the same settings and folder to continue.</source>
        <translation>Arrêté à %1 images sur %2. Exportez de nouveau avec les mêmes réglages et le même dossier pour poursuivre.</translation>
    </message>
    <message>
        <source>Choose the folder to export into.</source>
        <translation>Choisir le dossier où exporter.</translation>
    </message>
    <message>
        <source>The folder %1 is relative; give a full path (Browse…).</source>
        <translation>Le dossier %1 est relatif ; donner un chemin complet (Parcourir…).</translation>
    </message>
</context>
<context>
    <name>latent::studio::GeneratorPanel</name>
    <message>
        <source>Each latent coordinate is drawn from a normal distribution truncated to [-t, t]. 0 turns truncation off.</source>
        <translation>Chaque coordonnée latente est tirée d&apos;une loi normale tronquée à [-t, t]. 0 désactive la troncature.</translation>
    </message>
    <message>
        <source> per side</source>
        <translation> par côté</translation>
    </message>
    <message>
        <source>&amp;Resample</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Draw new samples (next seed)</source>
        <translation>Tirer de nouveaux échantillons (graine suivante)</translation>
    </message>
    <message>
        <source>&amp;Save grid as PNG…</source>
        <translation>&amp;Enregistrer la grille en PNG…</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Truncation</source>
        <translation>Troncature</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>Grille</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>Générateur</translation>
    </message>
    <message>
        <source>off</source>
        <translation>désactivée</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>All classes (uniform)</source>
        <translation>Toutes les classes (uniforme)</translation>
    </message>
    <message>
        <source>Unconditional</source>
        <translation>Non conditionnel</translation>
    </message>
    <message>
        <source>Latent size</source>
        <translation>Taille du latent</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>non conditionnel</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>Output range</source>
        <translation>Plage de sortie</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Appel</translation>
    </message>
    <message>
        <source>Sidecar</source>
        <translation>Fichier annexe</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no (inferred)</source>
        <translation>non (déduit)</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validation</translation>
    </message>
    <message>
        <source>assumed:</source>
        <translation>supposé :</translation>
    </message>
    <message>
        <source>warning:</source>
        <translation>avertissement :</translation>
    </message>
    <message>
        <source>sample %1 of seed %2</source>
        <translation>échantillon %1 de la graine %2</translation>
    </message>
    <message>
        <source>class %1: %2</source>
        <translation>classe %1 : %2</translation>
    </message>
    <message>
        <source>Report card</source>
        <translation>Bulletin</translation>
    </message>
    <message>
        <source>DDIM denoising steps: more are slower and usually sharper</source>
        <translation>Étapes de débruitage DDIM : davantage est plus lent et en général plus net</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale (1: none); needs a model trained with a null class</source>
        <translation>Échelle du guidage sans classifieur (1 : aucun) ; demande un modèle entraîné avec une classe nulle</translation>
    </message>
    <message>
        <source>0: deterministic DDIM; above 0 each image adds noise drawn from its own starting noise</source>
        <translation>0 : DDIM déterministe ; au-delà, chaque image ajoute un bruit tiré de son propre bruit de départ</translation>
    </message>
    <message>
        <source>Diffusion sampler</source>
        <translation>Échantillonneur de diffusion</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidage</translation>
    </message>
    <message>
        <source>Eta</source>
        <translation>Eta</translation>
    </message>
    <message>
        <source>%1 images in %2 s: %3 images/s</source>
        <translation>%1 images en %2 s : %3 images/s</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>diffusion: %1 prediction, %2 timesteps, %3; its latent is the starting noise x_T, sampled by DDIM</source>
        <translation>diffusion : prédiction %1, %2 pas de temps, %3 ; son latent est le bruit de départ x_T, échantillonné par DDIM</translation>
    </message>
    <message>
        <source>GAN</source>
        <translation>GAN</translation>
    </message>
    <message>
        <source>Sampling %1 images, %2 DDIM steps each…</source>
        <translation>Échantillonnage de %1 images, %2 pas DDIM chacune…</translation>
    </message>
    <message>
        <source>Sampling %1 images…</source>
        <translation>Échantillonnage de %1 images…</translation>
    </message>
    <message>
        <source>Sampling failed: %1</source>
        <translation>L&apos;échantillonnage a échoué : %1</translation>
    </message>
    <message>
        <source>Classes in turn</source>
        <translation>Classes à tour de rôle</translation>
    </message>
</context>
<context>
    <name>latent::studio::LocalRanks</name>
    <message>
        <source>cannot start rank %1 (%2): %3</source>
        <translation>impossible de démarrer le rang %1 (%2) : %3</translation>
    </message>
    <message>
        <source>rank %1 was killed or crashed</source>
        <translation>le rang %1 a été tué ou a planté</translation>
    </message>
    <message>
        <source>rank %1 exited with code %2</source>
        <translation>le rang %1 s&apos;est terminé avec le code %2</translation>
    </message>
</context>
<context>
    <name>latent::studio::MainWindow</name>
    <message>
        <source>Latent Studio</source>
        <translation>Latent Studio</translation>
    </message>
    <message>
        <source>&amp;Samples</source>
        <translation>É&amp;chantillons</translation>
    </message>
    <message>
        <source>&amp;Explore</source>
        <translation>&amp;Explorer</translation>
    </message>
    <message>
        <source>&amp;Views</source>
        <translation>&amp;Vues</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Entraîner</translation>
    </message>
    <message>
        <source>&amp;Runs</source>
        <translation>E&amp;xécutions</translation>
    </message>
    <message>
        <source>Device: %1 · %2 threads · LibTorch %3</source>
        <translation>Appareil : %1 · %2 threads · LibTorch %3</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open Generator…</source>
        <translation>&amp;Ouvrir un générateur…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Fichiers &amp;récents</translation>
    </message>
    <message>
        <source>&amp;Save Grid as PNG…</source>
        <translation>&amp;Enregistrer la grille en PNG…</translation>
    </message>
    <message>
        <source>Open &amp;View Recipe…</source>
        <translation>Ouvrir une recette de &amp;vues…</translation>
    </message>
    <message>
        <source>Save View Recipe &amp;As…</source>
        <translation>Enregistrer la recette de vues &amp;sous…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About Latent Studio</source>
        <translation>&amp;À propos de Latent Studio</translation>
    </message>
    <message>
        <source>About Latent Studio</source>
        <translation>À propos de Latent Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Latent Studio %1&lt;/b&gt;&lt;p&gt;Generative models as a data source for multiview representation learning.&lt;/p&gt;&lt;p&gt;LibTorch %2, Qt %3&lt;/p&gt;</source>
        <translation>&lt;b&gt;Latent Studio %1&lt;/b&gt;&lt;p&gt;Les modèles génératifs comme source de données pour l&apos;apprentissage de représentations multivues.&lt;/p&gt;&lt;p&gt;LibTorch %2, Qt %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The language changes when Latent Studio starts again.</source>
        <translation>La langue changera au prochain démarrage de Latent Studio.</translation>
    </message>
    <message>
        <source>Open Generator</source>
        <translation>Ouvrir un générateur</translation>
    </message>
    <message>
        <source>TorchScript generators (*.pt);;All files (*)</source>
        <translation>Générateurs TorchScript (*.pt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Could not load %1</source>
        <translation>Impossible de charger %1</translation>
    </message>
    <message>
        <source>Could not load generator</source>
        <translation>Impossible de charger le générateur</translation>
    </message>
    <message>
        <source>%1 — Latent Studio</source>
        <translation>%1 — Latent Studio</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 chargé</translation>
    </message>
    <message>
        <source>Sampling failed: %1</source>
        <translation>L&apos;échantillonnage a échoué : %1</translation>
    </message>
    <message>
        <source>Save Grid as PNG</source>
        <translation>Enregistrer la grille en PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 enregistré</translation>
    </message>
    <message>
        <source>Could not save the grid</source>
        <translation>Impossible d&apos;enregistrer la grille</translation>
    </message>
    <message>
        <source>Open View Recipe</source>
        <translation>Ouvrir une recette de vues</translation>
    </message>
    <message>
        <source>View recipes (*.json);;All files (*)</source>
        <translation>Recettes de vues (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Different generator</source>
        <translation>Générateur différent</translation>
    </message>
    <message>
        <source>Use the recipe with the loaded generator?</source>
        <translation>Utiliser la recette avec le générateur chargé ?</translation>
    </message>
    <message>
        <source>Could not open the recipe</source>
        <translation>Impossible d&apos;ouvrir la recette</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 ouvert</translation>
    </message>
    <message>
        <source>Save View Recipe</source>
        <translation>Enregistrer la recette de vues</translation>
    </message>
    <message>
        <source>View recipes (*.recipe.json *.json)</source>
        <translation>Recettes de vues (*.recipe.json *.json)</translation>
    </message>
    <message>
        <source>Could not save the recipe</source>
        <translation>Impossible d&apos;enregistrer la recette</translation>
    </message>
    <message>
        <source>&amp;Export Dataset…</source>
        <translation>&amp;Exporter un jeu de données…</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>Rien à exporter</translation>
    </message>
    <message>
        <source>Open a generator first.</source>
        <translation>Ouvrez d’abord un générateur.</translation>
    </message>
    <message>
        <source>Applied: the run in the Train tab trains on &quot;%1&quot; from its next step.</source>
        <translation>Appliqué : l’exécution de l’onglet Entraîner utilise « %1 » dès son étape suivante.</translation>
    </message>
    <message>
        <source>Open S&amp;hipped Generator</source>
        <translation>Ouvrir un générateur &amp;fourni</translation>
    </message>
    <message>
        <source>Quit Latent Studio</source>
        <translation>Quitter Latent Studio</translation>
    </message>
    <message>
        <source>A run is training. Stop it and quit? It saves a checkpoint first; resume it later from the Runs tab.</source>
        <translation>Un entraînement est en cours. L’arrêter et quitter ? Il enregistre d’abord un point de reprise ; reprenez-le plus tard depuis l’onglet Exécutions.</translation>
    </message>
    <message>
        <source>An experiment is running. Stop it and quit? Its finished runs are kept; run it again on the same folder to resume.</source>
        <translation>Une expérience est en cours. L’arrêter et quitter ? Ses exécutions terminées sont conservées ; relancez-la sur le même dossier pour reprendre.</translation>
    </message>
    <message>
        <source>&amp;Stop and Quit</source>
        <translation>&amp;Arrêter et quitter</translation>
    </message>
    <message>
        <source>Stopping; the window closes when the work is saved…</source>
        <translation>Arrêt en cours ; la fenêtre se fermera une fois le travail enregistré…</translation>
    </message>
    <message>
        <source>No samples to save yet</source>
        <translation>Pas encore d&apos;échantillons à enregistrer</translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation>Enregistrement de %1…</translation>
    </message>
    <message>
        <source>A dataset export is running. Stop it and quit? It stops after the chunk in hand; export again to the same folder with the same settings to continue.</source>
        <translation>Un export de jeu de données est en cours. L&apos;arrêter et quitter ? Il s&apos;arrête après le bloc en cours ; exporter à nouveau dans le même dossier avec les mêmes réglages pour continuer.</translation>
    </message>
    <message>
        <source>Not quitting: the dataset export failed</source>
        <translation>Pas de fermeture : l&apos;export du jeu de données a échoué</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
</context>
<context>
    <name>latent::studio::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>System language (%1)</source>
        <translation>Langue du système (%1)</translation>
    </message>
    <message>
        <source>The new language is used the next time Latent Studio starts.</source>
        <translation>La nouvelle langue sera utilisée au prochain démarrage de Latent Studio.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>System language (%1, not translated: English)</source>
        <translation>Langue du système (%1, non traduite : anglais)</translation>
    </message>
</context>
<context>
    <name>latent::studio::ReportCardBox</name>
    <message>
        <source>&amp;Compute card</source>
        <translation>&amp;Calculer le bulletin</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Save card…</source>
        <translation>Enregistrer le bulletin…</translation>
    </message>
    <message>
        <source>Generated images for fidelity and the Fréchet distance</source>
        <translation>Images générées pour la fidélité et la distance de Fréchet</translation>
    </message>
    <message>
        <source>Passes of the small classifier over its training images</source>
        <translation>Passes du petit classifieur sur ses images d’entraînement</translation>
    </message>
    <message>
        <source>Train a small classifier on the real data (cached per dataset) and measure the generator with it: fidelity, CAS, Fréchet distance, per class</source>
        <translation>Entraîner un petit classifieur sur les données réelles (mis en cache par jeu de données) et mesurer le générateur avec : fidélité, CAS, distance de Fréchet, par classe</translation>
    </message>
    <message>
        <source>Nearest real images appear here</source>
        <translation>Les images réelles les plus proches apparaissent ici</translation>
    </message>
    <message>
        <source>Real data</source>
        <translation>Données réelles</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Échantillons</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Époques</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lecture de %1…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Done (the real-data classifier came from the cache)</source>
        <translation>Terminé (le classifieur des données réelles venait du cache)</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>generated sample</source>
        <translation>échantillon généré</translation>
    </message>
    <message>
        <source>nearest real training image</source>
        <translation>image réelle d’entraînement la plus proche</translation>
    </message>
    <message>
        <source>Save Report Card Into</source>
        <translation>Enregistrer le bulletin dans</translation>
    </message>
    <message>
        <source>Saved report-card.md, report-card.json and nearest.png in %1</source>
        <translation>report-card.md, report-card.json et nearest.png enregistrés dans %1</translation>
    </message>
    <message>
        <source>as many as the real classifier</source>
        <translation>autant que le classifieur réel</translation>
    </message>
    <message>
        <source>Generated images the CAS classifier trains on</source>
        <translation>Images générées sur lesquelles le classifieur CAS s’entraîne</translation>
    </message>
    <message>
        <source>test split</source>
        <translation>partition de test</translation>
    </message>
    <message>
        <source>CAS images</source>
        <translation>Images CAS</translation>
    </message>
    <message>
        <source>Measured on</source>
        <translation>Mesuré sur</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>validation</translation>
    </message>
    <message>
        <source>Choose a generator&apos;s settings (sampler steps, guidance, truncation) with the card measured on validation (the dataset&apos;s val split, else 10% of each class of train); report the test split&apos;s card</source>
        <translation>Choisir les réglages d&apos;un générateur (pas de l&apos;échantillonneur, guidage, troncature) avec la fiche mesurée sur la validation (le split val du jeu de données, sinon 10 % de chaque classe de train) ; publier la fiche du split de test</translation>
    </message>
</context>
<context>
    <name>latent::studio::RunsPanel</name>
    <message>
        <source>step</source>
        <translation>pas</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>perte (lissée)</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>précision</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>Rapport…</translation>
    </message>
    <message>
        <source>Encoder…</source>
        <translation>Encodeur…</translation>
    </message>
    <message>
        <source>Metrics CSV…</source>
        <translation>Métriques CSV…</translation>
    </message>
    <message>
        <source>Recipe…</source>
        <translation>Recette…</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécution</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Pas</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Données</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>Recette</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encodeur</translation>
    </message>
    <message>
        <source>Final probe</source>
        <translation>Sonde finale</translation>
    </message>
    <message>
        <source>Final kNN</source>
        <translation>kNN final</translation>
    </message>
    <message>
        <source>Check runs to overlay their curves; select one to export or resume it</source>
        <translation>Cochez des exécutions pour superposer leurs courbes ; sélectionnez-en une pour l&apos;exporter ou la reprendre</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Dossier…</translation>
    </message>
    <message>
        <source>Selected run:</source>
        <translation>Exécution choisie :</translation>
    </message>
    <message>
        <source>Continue a stopped or failed run from its last checkpoint</source>
        <translation>Poursuivre une exécution arrêtée ou en échec depuis son dernier point de contrôle</translation>
    </message>
    <message>
        <source>Markdown or HTML report with the plots, config, recipe and metrics</source>
        <translation>Rapport Markdown ou HTML avec les graphiques, la configuration, la recette et les métriques</translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation>Dossier des exécutions</translation>
    </message>
    <message>
        <source>Runs in %1</source>
        <translation>Exécutions dans %1</translation>
    </message>
    <message>
        <source>real: %1</source>
        <translation>réel : %1</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>généré</translation>
    </message>
    <message>
        <source>Not listed:
%1</source>
        <translation>Non listés :
%1</translation>
    </message>
    <message>
        <source>Select a run first.</source>
        <translation>Sélectionnez d&apos;abord une exécution.</translation>
    </message>
    <message>
        <source>Training loss (smoothed)</source>
        <translation>Perte d&apos;entraînement (lissée)</translation>
    </message>
    <message>
        <source>Linear probe and kNN on real data (online: dots, final: diamonds)</source>
        <translation>Sonde linéaire et kNN sur données réelles (en ligne : points, finales : losanges)</translation>
    </message>
    <message>
        <source>Markdown (*.md);;HTML (*.html)</source>
        <translation>Markdown (*.md);;HTML (*.html)</translation>
    </message>
    <message>
        <source>TorchScript (*.pt)</source>
        <translation>TorchScript (*.pt)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>View recipe (*.json)</source>
        <translation>Recette de vues (*.json)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>created</source>
        <translation>créée</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêtée</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>terminée</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>en échec</translation>
    </message>
    <message>
        <source>%1 (%2 min budget)</source>
        <translation>%1 (budget %2 min)</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompu</translation>
    </message>
    <message>
        <source>cannot encode the figure %1</source>
        <translation>impossible d&apos;encoder la figure %1</translation>
    </message>
    <message>
        <source>Choose Probe L2</source>
        <translation>Choisir le L2 de la sonde</translation>
    </message>
    <message>
        <source>Fit the linear probe with L2 penalties from 1e-6 to 1e-2 on the run&apos;s checkpoint, choose on validation, and measure test once at the chosen penalty (the reports fix it at 1e-4)</source>
        <translation>Ajuster la sonde linéaire avec des pénalités L2 de 1e-6 à 1e-2 sur le point de contrôle de l&apos;entraînement, choisir sur la validation et mesurer le test une fois à la pénalité choisie (les rapports la fixent à 1e-4)</translation>
    </message>
    <message>
        <source>Choosing the probe L2 of %1: encoding…</source>
        <translation>Choix du L2 de la sonde de %1 : encodage…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Choosing the probe L2 of %1: encoding %2 / %3 images, then fitting…</source>
        <translation>Choix du L2 de la sonde de %1 : %2 / %3 images encodées, puis ajustement…</translation>
    </message>
</context>
<context>
    <name>latent::studio::TrainPanel</name>
    <message>
        <source>Generated views (current recipe)</source>
        <translation>Vues générées (recette actuelle)</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>pas</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minutes</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Entraîner</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>A&amp;rrêter</translation>
    </message>
    <message>
        <source>step</source>
        <translation>pas</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>perte</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>précision</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>taux d&apos;apprentissage</translation>
    </message>
    <message>
        <source>images/s</source>
        <translation>images/s</translation>
    </message>
    <message>
        <source>automatic (date and time)</source>
        <translation>automatique (date et heure)</translation>
    </message>
    <message>
        <source>Online linear probe and kNN on real-data subsets every N steps</source>
        <translation>Sonde linéaire et kNN en ligne sur des sous-ensembles de données réelles tous les N pas</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Données</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encodeur</translation>
    </message>
    <message>
        <source>Batch (anchors)</source>
        <translation>Lot (ancres)</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>Optimiseur</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Taux d&apos;apprentissage</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Probe every</source>
        <translation>Sonde tous les</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>Nom de l&apos;exécution</translation>
    </message>
    <message>
        <source>The views of the current batch appear here</source>
        <translation>Les vues du lot courant apparaissent ici</translation>
    </message>
    <message>
        <source>A few anchors of the latest batch (rows) and their views, as the encoder sees them; refreshed every few seconds</source>
        <translation>Quelques ancres du dernier lot (lignes) et leurs vues, telles que l&apos;encodeur les voit ; actualisé toutes les quelques secondes</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <source>Views fed to the encoder:</source>
        <translation>Vues données à l&apos;encodeur :</translation>
    </message>
    <message>
        <source>Hover a point
to see its image</source>
        <translation>Survolez un point
pour voir son image</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Courbes</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>Plongement</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>perte (lissée)</translation>
    </message>
    <message>
        <source>Load a generator first (File &gt; Open Generator), or train on real data.</source>
        <translation>Chargez d&apos;abord un générateur (Fichier &gt; Ouvrir un générateur), ou entraînez sur des données réelles.</translation>
    </message>
    <message>
        <source>A run is training; stop it before resuming another.</source>
        <translation>Une exécution est en cours ; arrêtez-la avant d&apos;en reprendre une autre.</translation>
    </message>
    <message>
        <source>Preparing %1 (loading the generator and the real data)…</source>
        <translation>Préparation de %1 (chargement du générateur et des données réelles)…</translation>
    </message>
    <message>
        <source>step %1 · %2 of %3</source>
        <translation>pas %1 · %2 sur %3</translation>
    </message>
    <message>
        <source>step %1 / %2</source>
        <translation>pas %1 / %2</translation>
    </message>
    <message>
        <source>loss %1 · %2 images/s · elapsed %3 · ETA %4</source>
        <translation>perte %1 · %2 images/s · écoulé %3 · reste %4</translation>
    </message>
    <message>
        <source>Paused at step %1</source>
        <translation>En pause au pas %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Terminé : %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Arrêt après le pas en cours…</translation>
    </message>
    <message>
        <source>Real images (baseline)</source>
        <translation>Images réelles (référence)</translation>
    </message>
    <message>
        <source>Views from the generator with the Views tab&apos;s recipe, or the real dataset&apos;s images with the recipe&apos;s pixel augmentations (the baseline)</source>
        <translation>Vues du générateur avec la recette de l&apos;onglet Vues, ou les images du jeu de données réel avec les augmentations de pixels de la recette (la référence)</translation>
    </message>
    <message>
        <source>Real dataset</source>
        <translation>Jeu de données réel</translation>
    </message>
    <message>
        <source>final evaluation %1 / %2 images</source>
        <translation>évaluation finale %1 / %2 images</translation>
    </message>
    <message>
        <source>Final evaluation: encoding the real train and test images (Stop cancels it; the checkpoint is kept)</source>
        <translation>Évaluation finale : encodage des images réelles d&apos;entraînement et de test (Arrêter l&apos;annule ; le point de contrôle est conservé)</translation>
    </message>
    <message>
        <source>the generator&apos;s</source>
        <translation>celle du générateur</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Side of the encoder&apos;s input: a large generator&apos;s views (and the real images) are resized to it once per batch</source>
        <translation>Côté de l&apos;entrée de l&apos;encodeur : les vues d&apos;un grand générateur (et les images réelles) y sont redimensionnées une fois par lot</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>Taille d&apos;entrée</translation>
    </message>
    <message>
        <source>%v / %m images</source>
        <translation>%v / %m images</translation>
    </message>
    <message>
        <source>Export &amp;Cluster Job…</source>
        <translation>Exporter un job de &amp;cluster…</translation>
    </message>
    <message>
        <source>The forward pass&apos;s type: auto takes bf16 where the device has it (recent CPUs and GPUs), fp16 with loss scaling on older GPUs, else fp32</source>
        <translation>Type de la passe avant : auto prend bf16 là où l&apos;appareil l&apos;a (CPU et GPU récents), fp16 avec mise à l&apos;échelle de la perte sur les GPU plus anciens, sinon fp32</translation>
    </message>
    <message>
        <source>Data-parallel processes on this machine (each a share of every batch; the cores are divided between them). This window trains rank 0 and shows its curves; the others run as latent-cli. Pause is not available with several processes.</source>
        <translation>Processus parallèles sur les données sur cette machine (chacun une part de chaque batch ; les cœurs sont partagés entre eux). Cette fenêtre entraîne le rang 0 et montre ses courbes ; les autres tournent comme latent-cli. La pause n&apos;est pas disponible avec plusieurs processus.</translation>
    </message>
    <message>
        <source>Write a Slurm batch script and a torchrun command for these settings and the current recipe, to train on a cluster</source>
        <translation>Écrire un script batch Slurm et une commande torchrun pour ces réglages et la recette actuelle, pour entraîner sur un cluster</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Précision</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Wrote the cluster job to %1; submit it with: sbatch %2</source>
        <translation>Job de cluster écrit dans %1 ; soumettez-le avec : sbatch %2</translation>
    </message>
    <message>
        <source>Training with %1 processes needs latent-cli, which is not at %2</source>
        <translation>L&apos;entraînement avec %1 processus nécessite latent-cli, qui n&apos;est pas à %2</translation>
    </message>
    <message>
        <source>%1 processes · </source>
        <translation>%1 processus · </translation>
    </message>
    <message>
        <source>linear probe (validation)</source>
        <translation>sonde linéaire (validation)</translation>
    </message>
    <message>
        <source>kNN (validation)</source>
        <translation>kNN (validation)</translation>
    </message>
    <message>
        <source>linear probe (test, final)</source>
        <translation>sonde linéaire (test, finale)</translation>
    </message>
    <message>
        <source>kNN (test, final)</source>
        <translation>kNN (test, final)</translation>
    </message>
    <message>
        <source>Real validation images, PCA of encoder features (%1, step %2)</source>
        <translation>Images de validation réelles, ACP des caractéristiques de l&apos;encodeur (%1, pas %2)</translation>
    </message>
    <message>
        <source>Click a point to see the batch the encoder trained on at that step.</source>
        <translation>Cliquez sur un point pour voir le lot sur lequel l’encodeur s’est entraîné à cette étape.</translation>
    </message>
    <message>
        <source>No run is training: start one in the Train tab first.</source>
        <translation>Aucun entraînement en cours : lancez-en un dans l’onglet Entraîner.</translation>
    </message>
    <message>
        <source>Recipe &quot;%1&quot; holds from the next step on.</source>
        <translation>La recette « %1 » s’applique dès l’étape suivante.</translation>
    </message>
    <message>
        <source>recipe %1</source>
        <translation>recette %1</translation>
    </message>
    <message>
        <source>The run name &quot;%1&quot; is not a folder name; use one without / or \ that is not . or ..</source>
        <translation>Le nom d’exécution &quot;%1&quot; n’est pas un nom de dossier ; utilisez-en un sans / ni \ qui ne soit pas . ou ..</translation>
    </message>
    <message>
        <source>A run is being prepared; stop it before resuming another.</source>
        <translation>Une exécution est en préparation ; arrêtez-la avant d’en reprendre une autre.</translation>
    </message>
    <message>
        <source>Stopped before the first step; resume %1 from the Runs tab.</source>
        <translation>Arrêtée avant le premier pas ; reprenez %1 depuis l’onglet Exécutions.</translation>
    </message>
    <message>
        <source>Stopped while preparing %1.</source>
        <translation>Arrêtée pendant la préparation de %1.</translation>
    </message>
    <message>
        <source>Stopping the preparation…</source>
        <translation>Arrêt de la préparation…</translation>
    </message>
    <message>
        <source>of the Train tab</source>
        <translation>de l’onglet Entraîner</translation>
    </message>
    <message>
        <source>Writing the cluster job to %1…</source>
        <translation>Écriture de la tâche de cluster dans %1…</translation>
    </message>
</context>
<context>
    <name>latent::widgets::CurvePlot</name>
    <message>
        <source>Log scale</source>
        <translation>Échelle log</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Ajuster</translation>
    </message>
    <message>
        <source>Show all data again after zooming (wheel) or panning (drag)</source>
        <translation>Réafficher toutes les données après un zoom (molette) ou un déplacement (glisser)</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save the plot as PNG, SVG or PDF</source>
        <translation>Enregistrer le graphique en PNG, SVG ou PDF</translation>
    </message>
    <message>
        <source>%1: unknown image type &quot;%2&quot;; expected .png, .svg or .pdf</source>
        <translation>%1 : type d&apos;image inconnu « %2 » ; attendu : .png, .svg ou .pdf</translation>
    </message>
    <message>
        <source>cannot write %1 (is the folder writable?)</source>
        <translation>impossible d&apos;écrire %1 (le dossier est-il accessible en écriture ?)</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Exporter le graphique</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>Image PNG (*.png);;Dessin SVG (*.svg);;Document PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>latent::widgets::EmbeddingPlot</name>
    <message>
        <source>PC 1</source>
        <translation>CP 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>CP 2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Latent Studio: explore a generator&apos;s latent space and train encoders on its views.</source>
        <translation>Latent Studio : explorer l&apos;espace latent d&apos;un générateur et entraîner des encodeurs sur ses vues.</translation>
    </message>
    <message>
        <source>A generator (.pt; &apos;default&apos; for the shipped one) or a view recipe (.json) to open.</source>
        <translation>Un générateur (.pt ; &apos;default&apos; pour celui fourni) ou une recette de vues (.json) à ouvrir.</translation>
    </message>
    <message>
        <source>Start on a tab: samples, explore, views, train, runs, or pad (explore with the latent pad open).</source>
        <translation>Démarrer sur un onglet : samples, explore, views, train, runs ou pad (explorer avec le pavé latent ouvert).</translation>
    </message>
    <message>
        <source>Start training with the Train tab&apos;s settings once the generator has loaded.</source>
        <translation>Lancer l&apos;entraînement avec les réglages de l&apos;onglet Entraîner une fois le générateur chargé.</translation>
    </message>
    <message>
        <source>Data-parallel processes for training (the Train tab&apos;s Processes box).</source>
        <translation>Processus parallèles sur les données pour l&apos;entraînement (la case Processus de l&apos;onglet Entraîner).</translation>
    </message>
    <message>
        <source>Compute the generator&apos;s report card (Samples tab) once it has loaded.</source>
        <translation>Calculer le bulletin du générateur (onglet Échantillons) une fois chargé.</translation>
    </message>
</context>
</TS>
