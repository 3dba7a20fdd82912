import { useState } from "react";
import { isWebUrl } from "../format";

interface PosterProps {
  src: string;
  title: string;
  /** Empty when the title is read out next to the poster anyway. */
  alt?: string;
  className?: string;
  eager?: boolean;
}

/** A 2:3 poster; a titled placeholder when the image is missing or fails. */
export function Poster({ src, title, alt = "", className = "", eager = false }: PosterProps) {
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const usable = src && isWebUrl(src) && failedSrc !== src;

  return (
    <div className={`poster ${className}`}>
      {usable ? (
        <img
          className="poster__img"
          src={src}
          alt={alt}
          width={400}
          height={600}
          loading={eager ? "eager" : "lazy"}
          decoding="async"
          draggable={false}
          onError={() => setFailedSrc(src)}
        />
      ) : (
        <div className="poster__fallback" role={alt ? "img" : undefined} aria-label={alt || undefined}>
          <span aria-hidden="true">{title}</span>
        </div>
      )}
    </div>
  );
}
